import Testing
import VernacularCore
@testable import VernacularIngest

@Suite struct TableReaderTests {
    @Test func csvWithQuotedMultilineFieldsAndChosenColumns() throws {
        let csv = """
            id,評分,標題,內容,地區
            r1,5,好味,"啲叉燒好靚，
            飯又夠熱。",旺角
            r2,3,"一般, 麻麻","佢話""好食""，我就覺得一般。",沙田
            r3,4,,,荃灣
            r4,2,得兩格
            r5,1,差,"冇收尾嘅引號
            """
        let folder = try TemporaryFolder()
        let file = try folder.write("reviews.csv", csv)
        var options = TableReader.Options()
        options.textColumns = ["標題", "內容"]
        options.idColumn = "id"
        let (documents, report) = try TableReader(options: options).documents(file: file, policy: .skip)
        #expect(documents.map(\.id) == ["r1", "r2"])
        #expect(documents[0].text == "好味\n啲叉燒好靚，\n飯又夠熱。")
        #expect(documents[1].text == "一般, 麻麻\n佢話\"好食\"，我就覺得一般。")
        #expect(documents[0].meta == ["評分": .string("5"), "地區": .string("旺角")])
        #expect(report.problems.map(\.line) == [6, 7])
        #expect(report.counters["table_rows_empty_text"] == 1)
    }

    @Test func tsvTakesTabsLiterallyAndNumberedColumns() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("sents.tsv", "編號\t句子\n1\t\"佢\"話唔得\n2\t我哋走先\n")
        var options = TableReader.Options()
        options.textColumns = ["2"]
        let (documents, _) = try TableReader(options: options).documents(file: file)
        #expect(documents.map(\.text) == ["\"佢\"話唔得", "我哋走先"])
        #expect(documents[0].id == file + ":2")
    }

    @Test func unknownColumnIsAClearError() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("a.csv", "a,b\n1,2\n")
        var options = TableReader.Options()
        options.textColumns = ["內容"]
        #expect(throws: IOError.self) { try TableReader(options: options).documents(file: file) }
    }

    @Test func utf16ExportWithBOMIsDecoded() throws {
        let folder = try TemporaryFolder()
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in "text\r\n早晨\r\n".utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        let file = try folder.write("excel.csv", bytes)
        let (documents, report) = try TableReader().documents(file: file)
        #expect(documents.map(\.text) == ["早晨"])
        #expect(report.decoding.first?.encoding == .utf16LE)
    }
}

@Suite struct JSONLinesReaderTests {
    @Test func mapsDottedAndMultipleTextFields() throws {
        let jsonl = """
            {"post_id": 7, "thread": {"title": "邊度食飯好？"}, "body": "我推介深水埗。", "likes": 3}
            {"post_id": 8, "thread": {"title": "冇內容"}, "body": ""}
            not json
            [1, 2]

            {"post_id": 9, "body": ["第一段", "第二段"], "thread": {}}
            """
        let folder = try TemporaryFolder()
        let file = try folder.write("forum.jsonl", jsonl)
        var options = JSONLinesReader.Options()
        options.textFields = ["thread.title", "body"]
        options.idField = "post_id"
        let (documents, report) = try JSONLinesReader(options: options).documents(file: file, policy: .skip)
        #expect(documents.map(\.id) == ["7", "8", "9"])
        #expect(documents[0].text == "邊度食飯好？\n我推介深水埗。")
        #expect(documents[0].meta == ["likes": .number("3")])
        #expect(documents[1].text == "冇內容")
        #expect(documents[2].text == "第一段\n第二段")
        #expect(report.problems.map(\.line) == [3, 4])
    }
}

@Suite struct PlainTextReaderTests {
    @Test func paragraphsOrWholeFiles() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("essay.txt", "第一段第一行\n第一段第二行\n\n\n第二段\n")
        let (paragraphs, _) = try PlainTextReader().documents(file: file)
        #expect(paragraphs.map(\.text) == ["第一段第一行\n第一段第二行", "第二段"])
        #expect(paragraphs.map(\.id) == [file + ":1", file + ":5"])
        var options = PlainTextReader.Options()
        options.unit = .file
        let (whole, _) = try PlainTextReader(options: options).documents(file: file)
        #expect(whole.map(\.text) == ["第一段第一行\n第一段第二行\n\n\n第二段"])
    }
}

@Suite struct DictionaryReaderTests {
    @Test func entriesAndExampleSentences() throws {
        let dictionary = """
            # CC-Canto style, written for this test
            食飯 食饭 [shi2 fan4] {sik6 faan6} /to eat a meal/eg: 我哋去食飯啦。Let's go eat./
            啱 啱 {ngaam1} /correct; right/例：你講得啱。/
            冇讀音 冇读音 /no reading/
            傾偈 倾偈 [qing1 ji4] {king1 gai2} /to chat/ # 口語
            """
        let folder = try TemporaryFolder()
        let file = try folder.write("cccanto.u8", dictionary)
        let (documents, report) = try DictionaryReader().documents(file: file, policy: .skip)
        #expect(documents.map(\.text) == ["食飯：to eat a meal", "我哋去食飯啦。", "啱：correct; right", "你講得啱。", "傾偈：to chat"])
        #expect(documents[1].meta["translation"] == .string("Let's go eat."))
        #expect(documents[1].meta["jyutping"] == .string("sik6 faan6"))
        #expect(documents[1].id == file + ":2#example1")
        #expect(report.problems.map(\.line) == [4])
    }
}

@Suite struct EncodingTests {
    func iconv(_ text: String, to encoding: String) throws -> [UInt8] {
        try pipe(Array(text.utf8), through: "/usr/bin/iconv", ["-f", "UTF-8", "-t", encoding])
    }

    static let cantonese = "佢哋喺屋企食緊飯，啲餸好好味，我哋聽日再嚟。香港嘅天氣好熱。"

    @Test func big5HKSCSWithInvalidBytesIsDecodedAndCounted() throws {
        var bytes = try iconv(Self.cantonese, to: "BIG5-HKSCS")
        // A lone lead byte before ASCII and a truncated pair at the end.
        bytes.insert(contentsOf: [0x81, 0x41], at: 6)
        bytes.append(0xA4)
        let folder = try TemporaryFolder()
        let file = try folder.write("big5.txt", bytes)
        let decoded = try DecodedText(path: file)
        #expect(decoded.encoding == .big5HKSCS)
        #expect(decoded.invalidSequences == 2)
        #expect(decoded.text == "佢哋喺\u{FFFD}A屋企食緊飯，啲餸好好味，我哋聽日再嚟。香港嘅天氣好熱。\u{FFFD}")
        var report = IngestReport()
        var documents: [Document] = []
        try PlainTextReader().read(file: file, policy: .skip, report: &report) { documents.append($0) }
        #expect(report.counters["invalid_byte_sequences"] == 2)
        #expect(documents.first?.meta["encoding"] == .string("big5-hkscs"))
    }

    @Test func gb18030IsTellApartFromBig5() throws {
        let simplified = "我们今天去吃饭，这个地方的菜很好吃，明天还要再来。"
        let detected = EncodingDetector.detect(try iconv(simplified, to: "GB18030"), complete: true)
        #expect(detected.encoding == .gb18030)
        let traditional = EncodingDetector.detect(try iconv(Self.cantonese, to: "BIG5-HKSCS"), complete: true)
        #expect(traditional.encoding == .big5HKSCS)
    }

    @Test func bomsAndDeclaredEncodings() throws {
        #expect(EncodingDetector.detect([0xEF, 0xBB, 0xBF, 0x41], complete: true) == (.utf8, 3))
        #expect(EncodingDetector.detect([0xFE, 0xFF, 0x00, 0x41], complete: true) == (.utf16BE, 2))
        #expect(EncodingDetector.detect(Array("早晨".utf8), complete: true) == (.utf8, 0))
        let folder = try TemporaryFolder()
        let file = try folder.write("gb.txt", try iconv("你好", to: "GB18030"))
        #expect(try DecodedText(path: file, declared: .gb18030).text == "你好")
    }

    @Test func utf8BOMIsSkippedAndUTF16WithoutBOMIsDetected() throws {
        let folder = try TemporaryFolder()
        let withBOM = try folder.write("bom.txt", [0xEF, 0xBB, 0xBF] + Array("早晨，食咗飯未？".utf8))
        let decoded = try DecodedText(path: withBOM)
        #expect(decoded.encoding == .utf8)
        #expect(decoded.text == "早晨，食咗飯未？")
        var utf16: [UInt8] = []
        for unit in "Hello 早晨 world, good morning\n".utf16 { utf16 += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        let noBOM = try folder.write("utf16.txt", utf16)
        let detected = try DecodedText(path: noBOM)
        #expect(detected.encoding == .utf16LE)
        #expect(detected.text == "Hello 早晨 world, good morning\n")
    }

    @Test func chunkBoundariesInsideCharactersAreHandled() throws {
        // Longer than one 64 KiB chunk so multi-byte characters straddle chunk edges.
        let text = String(repeating: Self.cantonese + "\n", count: 3000)
        let folder = try TemporaryFolder()
        let file = try folder.write("long-big5.txt", try iconv(text, to: "BIG5-HKSCS"))
        let decoded = try DecodedText(path: file, declared: .big5HKSCS)
        #expect(decoded.invalidSequences == 0)
        #expect(decoded.text == text)
    }
}
