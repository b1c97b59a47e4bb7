import Testing
@testable import VernacularLangID

/// Tests of the committed default model (langs/langid-yue.vlid) on sentences written for them.
@Suite struct DefaultModelTests {
    let classifier: LangIDClassifier

    init() throws { classifier = try Fixtures.defaultClassifier() }

    @Test func theScriptDoesNotChangeTheLabel() {
        for (traditional, simplified) in Fixtures.scriptPairs {
            let t = classifier.classify(sentence: traditional), s = classifier.classify(sentence: simplified)
            #expect(t.label == s.label, "\(traditional): \(t.label) vs \(s.label)")
            #expect(abs(t.score - s.score) < 1e-4)
        }
    }

    @Test(arguments: ["", "   ", "……！！！", "😂😂😂👍", "🙏🏻🙏🏻 ❤️", "12:30 2024-01-01", "+852 2345 6789", "。，、"])
    func nothingToJudgeIsNeutral(_ line: String) {
        let prediction = classifier.classify(sentence: line)
        #expect(prediction.label == .neutral)
        #expect(prediction.score == 1)
    }

    /// Lines of a wiki article that carry no language: headings, infobox fields, table cells,
    /// names, a web address. Before, 歷史 was zh 0.99 and such lines outvoted the prose.
    @Test(arguments: ["歷史", "常見飲品", "類型: 餐廳", "name: 茶餐廳", "發源地：香港", "凍奶茶\t20\t凍飲加兩蚊",
                      "1904年", "Chris Hosmer", "MTR", "茶餐廳（英文：Cha chaan teng）"])
    func headingsAndCellsAreNeutral(_ line: String) {
        let prediction = classifier.classify(sentence: line)
        #expect(prediction.label == .neutral, "\(line): \(prediction.label) \(prediction.score)")
        #expect(prediction.score < 0.99)
    }

    /// However sure the model is, one or two characters are not enough for 0.99 of anything.
    @Test(arguments: ["歷史", "佢", "嘅", "的", "是", "佢哋", "他們", "OK", "hello", "係呀"])
    func aOneWordLineIsNeverNearlyCertain(_ line: String) {
        #expect(classifier.classify(sentence: line).score < 0.99, "\(line)")
    }

    /// The Cantonese article the demo dropped as `zh 0.69`: infobox, headings and a table around
    /// two Cantonese sentences. Neutral lines count for nothing, so the prose decides.
    @Test func aCantoneseArticleIsJudgedByItsProse() {
        let article = """
            name: 茶餐廳
            類型: 餐廳
            發源地: 香港
            常見食物: 奶茶; 菠蘿包; 餐蛋麵
            茶餐廳係香港一種好常見嘅食肆，賣奶茶、多士同埋各種粉麵飯。
            歷史
            第二次世界大戰之後，冰室慢慢演變成茶餐廳，而家成日都好多人。
            常見飲品
            飲品\t價錢（港幣）\t備註
            凍奶茶\t20\t凍飲加兩蚊
            凍檸茶\t19
            """
        let result = classifier.classify(document: article)
        #expect(result.label == .yue)
        #expect(result.yueShare == 1)
        let neutral = result.sentences.filter { $0.prediction.label == .neutral }.count
        #expect(neutral >= 8, "\(result.sentences.map { ($0.span.text, $0.prediction.label) })")
        // The same frame around SWC prose is SWC, and the frame alone has no language.
        let swc = article.replacingOccurrences(of: "茶餐廳係香港一種好常見嘅食肆，賣奶茶、多士同埋各種粉麵飯。", with: "茶餐廳是香港一種很常見的食肆，售賣奶茶和各種粉麵飯。")
            .replacingOccurrences(of: "第二次世界大戰之後，冰室慢慢演變成茶餐廳，而家成日都好多人。", with: "第二次世界大戰之後，冰室慢慢演變成了茶餐廳，現在總是有很多人。")
        #expect(classifier.classify(document: swc).label == .zh)
        let frame = article.split(separator: "\n").filter { !$0.contains("。") }.joined(separator: "\n")
        let bare = classifier.classify(document: frame)
        #expect(bare.label == .neutral)
        #expect(bare.yueShare == 0)
    }

    @Test func aOneMegabyteLineIsClassifiedInPieces() {
        let line = String(repeating: "我哋今晚去邊度食飯呀", count: 35_000)  // 350,000 chars, ~1 MB of UTF-8
        #expect(line.utf8.count > 1_000_000)
        let result = classifier.classify(document: line)
        #expect(result.sentences.count == 350)
        #expect(result.label == .yue)
        #expect(classifier.classify(sentence: line).label == .yue)
    }

    @Test(arguments: [1, 5, 20])
    func aRepeatedCantoneseSentenceStaysCantonese(_ times: Int) {
        // Repetition must not turn Cantonese into `mixed`: each marker counts once per line.
        let line = String(repeating: "佢哋話冇問題，聽日就開始。", count: times)
        #expect(classifier.classify(sentence: line).label == .yue)
    }

    @Test func smallLabelledSetConfusion() {
        var confusion: [LangIDLabel: [LangIDLabel: Int]] = [:]
        var correct = 0
        for (gold, text) in Fixtures.labelled {
            let predicted = classifier.classify(sentence: text).label
            confusion[gold, default: [:]][predicted, default: 0] += 1
            if predicted == gold { correct += 1 }
        }
        let accuracy = Double(correct) / Double(Fixtures.labelled.count)
        #expect(accuracy >= 0.9, "confusion: \(confusion)")
        // The two labels a Cantonese corpus lives on are never confused with each other here.
        #expect(confusion[.yue]?[.zh] == nil)
        #expect(confusion[.zh]?[.yue] == nil)
    }

    @Test func documentsReportYueShareAndSpans() {
        let text = "我哋今晚去邊度食飯呀？政府今天公布了新的房屋政策。你聽日得唔得閒，一齊去睇戲啦。"
        let result = classifier.classify(document: text)
        #expect(result.sentences.map(\.prediction.label) == [.yue, .zh, .yue])
        #expect(result.sentences.map(\.span.start) == [0, 11, 25])
        let han = result.sentences.map(\.prediction.counts.han)
        #expect(han == [10, 13, 13])
        #expect(abs(result.yueShare - Float(han[0] + han[2]) / Float(han.reduce(0, +))) < 1e-6)
        // A third of the text is SWC: over the pack's document_mixed_share (0.3), so `mixed`.
        #expect(result.label == .mixed)
        let mostlyCantonese = classifier.classify(document: text + "佢哋話冇問題，聽日就開始。我哋一齊去啦。")
        #expect(mostlyCantonese.label == .yue)
    }
}
