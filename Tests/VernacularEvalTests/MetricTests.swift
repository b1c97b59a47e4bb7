import Foundation
import Testing
@testable import VernacularEval

struct MetricTests {
    @Test func mathAnswersTakeTheLastNumber() {
        #expect(MathAnswer.reference("Janet每日賣16-3-4=9隻。佢賺$9*2=18。####18") == 18)
        #expect(MathAnswer.reference("#### 1,234.50") == 1234.5)
        #expect(MathAnswer.reference("冇答案") == nil)
        #expect(MathAnswer.lastNumber(in: "佢有3個，再買5個，所以係8個。\n\n") == 8)
        #expect(MathAnswer.lastNumber(in: "總共係$1,200。") == 1200)
        #expect(MathAnswer.lastNumber(in: "溫度跌到-3度") == -3)
        #expect(MathAnswer.lastNumber(in: "答案係２４件") == 24)
        #expect(MathAnswer.lastNumber(in: "唔知") == nil)
        #expect(MathAnswer.matches(62.500001, 62.5))
        #expect(!MathAnswer.matches(62.51, 62.5))
        #expect(!MathAnswer.matches(nil, 1))
    }

    @Test func chrFOnAHandCountedPair() {
        // Order 2, beta 2: unigrams P = 2/2, R = 2/3 -> F = 5PR/(4P+R) = 10/14; bigrams P = 1, R = 1/2 -> 5/9.
        let expected = 100 * (10.0 / 14.0 + 5.0 / 9.0) / 2
        #expect(Swift.abs(TranslationScores.chrF(hypotheses: ["a b"], references: ["abc"], order: 2) - expected) < 1e-9)
        #expect(TranslationScores.chrF(hypotheses: ["我唔知。"], references: ["我唔知。"]) == 100)
        #expect(TranslationScores.chrF(hypotheses: ["abc"], references: ["xyz"]) == 0)
    }

    @Test func bleuOnCharactersWithBrevityPenalty() {
        // Every n-gram of 今日天氣好 is in 今日天氣好好: precisions 1, brevity exp(1 - 6/5).
        #expect(Swift.abs(TranslationScores.bleu(hypotheses: ["今日天氣好"], references: ["今日天氣好好"]) - 100 * exp(-0.2)) < 1e-9)
        // 今日好熱 / 今日好凍 alone has no matching 4-gram: 0.
        #expect(TranslationScores.bleu(hypotheses: ["今日好熱"], references: ["今日好凍"]) == 0)
        // Both as one corpus: matches 8/9, 6/7, 4/5, 2/3; lengths 9 and 10.
        let corpus = TranslationScores.bleu(hypotheses: ["今日天氣好", "今日好熱"], references: ["今日天氣好好", "今日好凍"])
        let expected = 100 * exp(1 - 10.0 / 9.0) * pow(8.0 / 9 * 6.0 / 7 * 4.0 / 5 * 2.0 / 3, 0.25)
        #expect(Swift.abs(corpus - expected) < 1e-9)
    }

    @Test func bleuTokensSplitHanButKeepEnglishWords() {
        #expect(TranslationScores.tokens("用Python寫code，好易。") == ["用", "Python", "寫", "code", "，", "好", "易", "。"])
        #expect(TranslationScores.tokens("Hello, world") == ["Hello", ",", "world"])
    }

    @Test func multipleChoiceTotalsAreSizeWeighted() {
        func record(_ subject: String, _ correct: Bool) -> ItemRecord {
            var record = ItemRecord(model: "m", task: "t", id: UUID().uuidString, subject: subject, prompt: "")
            record.prediction = correct ? 0 : 1
            record.predictionNorm = record.prediction
            record.gold = 0
            record.correct = correct
            return record
        }
        let records = [record("a", true), record("a", true), record("a", false), record("b", false)]
        let (metrics, subjects) = TaskMetrics.compute(kind: .mcJSONL, records: records)
        #expect(metrics["acc"] == 0.5)
        #expect(Swift.abs(metrics["acc_macro"]! - (2.0 / 3 + 0) / 2) < 1e-12)
        #expect(subjects == [SubjectResult(subject: "a", items: 3, acc: 2.0 / 3, accNorm: 2.0 / 3),
                             SubjectResult(subject: "b", items: 1, acc: 0, accNorm: 0)])
    }
}
