/// Decides a file's encoding from its first bytes. A BOM decides at once. Otherwise bytes that
/// are valid UTF-8 are UTF-8 (other encodings rarely form long valid UTF-8 runs); many zero bytes
/// mean UTF-16. Big5-HKSCS and GB18030 cannot be told apart by validity alone (most Big5 bytes
/// are also valid GB18030), so both are decoded and scored by how many common Chinese characters
/// come out, less a penalty for invalid sequences. A tie goes to Big5-HKSCS, the Hong Kong one.
public enum EncodingDetector {
    /// How many leading bytes are looked at.
    public static let sampleSize = 1 << 16

    /// The encoding and the length of its BOM (to skip), for a sample from the start of a file.
    /// `complete` says the sample is the whole file, so a cut sequence at its end is a real error.
    public static func detect(_ sample: [UInt8], complete: Bool) -> (encoding: TextEncoding, bomLength: Int) {
        if let bom = byteOrderMark(sample) { return bom }
        if isUTF8(sample, complete: complete) { return (.utf8, 0) }
        if let utf16 = utf16ByZeroBytes(sample) { return (utf16, 0) }
        let big5 = score(sample, .big5HKSCS)
        let gb = score(sample, .gb18030)
        return (gb > big5 ? .gb18030 : .big5HKSCS, 0)
    }

    /// Resolves a declared encoding against the sample: `auto` detects; `utf-16` takes its byte
    /// order from the BOM; any declared encoding still skips its own BOM.
    public static func resolve(_ declared: TextEncoding, sample: [UInt8], complete: Bool) -> (encoding: TextEncoding, bomLength: Int) {
        switch declared {
        case .auto:
            return detect(sample, complete: complete)
        case .utf16:
            if let bom = byteOrderMark(sample), bom.encoding == .utf16LE || bom.encoding == .utf16BE { return bom }
            return (utf16ByZeroBytes(sample) ?? .utf16LE, 0)
        default:
            if let bom = byteOrderMark(sample), bom.encoding == declared { return bom }
            return (declared, 0)
        }
    }

    static func byteOrderMark(_ bytes: [UInt8]) -> (encoding: TextEncoding, bomLength: Int)? {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { return (.utf8, 3) }
        if bytes.count >= 2, bytes[0] == 0xFF, bytes[1] == 0xFE { return (.utf16LE, 2) }
        if bytes.count >= 2, bytes[0] == 0xFE, bytes[1] == 0xFF { return (.utf16BE, 2) }
        return nil
    }

    /// Strict UTF-8 validity (no overlongs, no surrogates); a sequence cut by the sample's end is
    /// accepted unless the sample is the whole file.
    static func isUTF8(_ bytes: [UInt8], complete: Bool) -> Bool {
        var index = 0
        let count = bytes.count
        while index < count {
            let lead = bytes[index]
            if lead < 0x80 { index += 1; continue }
            let length: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return false
            }
            if index + length > count { return !complete }
            if bytes[index + 1] < low || bytes[index + 1] > high { return false }
            for k in 2..<max(2, length) where bytes[index + k] & 0xC0 != 0x80 { return false }
            index += length
        }
        return true
    }

    /// UTF-16 without a BOM: text in it has a zero byte in most ASCII characters' pairs.
    static func utf16ByZeroBytes(_ bytes: [UInt8]) -> TextEncoding? {
        let pairs = bytes.count / 2
        guard pairs >= 2 else { return nil }
        var evenZeros = 0, oddZeros = 0
        for pair in 0..<pairs {
            if bytes[2 * pair] == 0 { evenZeros += 1 }
            if bytes[2 * pair + 1] == 0 { oddZeros += 1 }
        }
        if oddZeros * 4 > pairs, evenZeros * 20 < pairs { return .utf16LE }
        if evenZeros * 4 > pairs, oddZeros * 20 < pairs { return .utf16BE }
        return nil
    }

    /// Common characters found minus ten per invalid sequence.
    static func score(_ sample: [UInt8], _ encoding: TextEncoding) -> Int {
        guard let (text, invalid) = try? IconvConverter.decode(sample, from: encoding) else { return Int.min }
        var hits = 0
        for scalar in String(decoding: text, as: UTF8.self).unicodeScalars where commonCharacters.contains(scalar) {
            hits += 1
        }
        return hits - 10 * invalid
    }

    /// Frequent characters of written Chinese in both scripts, and Cantonese's own frequent
    /// characters. Decoding in the wrong one of Big5/GB18030 gives rare characters instead.
    static let commonCharacters: Set<Unicode.Scalar> = Set(("""
        的一是不了人我在有他這这个個們们中來来上大為为和國国地到以說说時时要就出會会可也你對对生能而子那得於于
        着下自之年過过發发後后作裡里用道行所然家種种事成方多經经麼么去法學学如都同現现當当沒没動动面起看定天分還还
        進进好小部其些主樣样理心她本前開开但因只從从想實实日者意無无力它與与長长把機机十民第公此已工使情明性知全
        三又關关點点正業业外將将兩两高間间由問问很最重並并物手應应向頭头文體体政美相見见被利什二等產产或新己制身
        果加西月話话合回特代內内信表化老給给世位次度門门任常先海通教兒儿原東东聲声提立及比員员解水名真論论處处走
        義义各入幾几口認认條条平系氣气題题活更別别打女變变四神總总何電电數数安少報报才結结反受目太量再感建務务做
        接必場场件計计管期市直資资命山金指許许區区保至形社便空決决治展馬马科司五基書书非則则聽听白界達达光放強强
        即像難难且權权思王完設设式色路記记南品住告類类求程北邊边死張张該该交規规萬万取拉格望覺觉術术領领共確确
        傳传師师觀观清今切院讓让識识候帶带導导爭争運运笑飛飞風风步改收根幹干造言聯联持組组每濟济車车親亲極极林服
        快辦办議议往元英士證证近失轉转夫令準准布始怎呢存未遠远叫台單单影具羅罗字愛爱擊击流備备兵連连調调深商算
        質质團团集百需價价花黨党華华城石級级整府離离況况亞亚請请技際际約约示復复病息究線线似官火斷断精滿满支視视
        消越器容照須须九增研寫写稱称企八功嗎吗包片史委乎查輕轻易早曾除農农找裝装廣广顯显吧阿李標标談谈吃圖图念
        六引歷历首醫医局突專专費费號号盡尽另周較较注語语僅仅考落青隨随選选列武紅红響响雖虽推勢势參参希古眾众構构
        房半節节土投某案黑維维革劃划敵敌致陳陈律足態态護护七興兴派孩驗验責责營营星夠够章音跟志底站嚴严巴例防族
        供效續续施留講讲型料終终答緊紧黃黄絕绝奇察母京段依批群項项故按河米圍围江織织害雙双境客紀纪採采舉举殺杀
        攻父蘇苏密低朝友訴诉止細细願愿千值仍男錢钱破網网熱热助倒育屬属坐帝限船臉脸職职速刻樂乐否剛刚威毛狀状率
        嘅咗喺佢哋冇嚟唔啲睇乜嘢咁噉嗰啱畀俾諗谂咩喎囉啦噃冚嘥攞揾搵翻返
        """).unicodeScalars.filter { $0.value > 0x2000 })
}
