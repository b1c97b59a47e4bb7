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
    func nothingToJudgeIsOther(_ line: String) {
        let prediction = classifier.classify(sentence: line)
        #expect(prediction.label == .other)
        #expect(prediction.score == 1)
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
