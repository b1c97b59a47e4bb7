import Foundation
import Testing
@testable import VernacularLangID

/// The byte-level fast path (`FeatureExtractor.score(utf8:)`) against the reference path
/// (`extract` then `LangIDModel.logits`), and its UTF-8 decoder against the standard library's.
@Suite struct FastPathTests {
    static let pack = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("langs/yue.yaml")

    /// Fixture sentences plus edge cases: full-width letters, digits, emoji, astral Han, kana.
    static var texts: [String] {
        Fixtures.labelled.map(\.1) + Fixtures.scriptPairs.flatMap { [$0.0, $0.1] } + [
            "ＯＫ啦，我哋 3點 見！", "佢send咗個file俾我😂", "𡃉𠻹嘢", "これは日本語です", "don't well-known",
            "  多   空格\t和\u{3000}全形空格  ", "A", "",
            // Repeated markers count once (the fast path's bit set against the reference's set).
            String(repeating: "佢哋話冇問題，聽日就開始。", count: 12), "哈哈哈哈哈哈哈哈",
        ]
    }

    @Test func fastLogitsMatchTheReference() throws {
        let model = try LanguagePack.load(from: Self.pack).makeClassifier().model
        let c = model.labels.count
        var buffer = FeatureBuffer()
        var reference = [Float](repeating: 0, count: c)
        var fast = [Float](repeating: 0, count: c)
        var sequence: [UInt32] = []
        var buckets: [Int32] = []
        var seen: [UInt64] = []
        for text in Self.texts {
            let referenceCounts = model.extractor.extract(Substring(text), into: &buffer)
            model.logits(buffer, into: &reference)
            let fastCounts = Array(text.utf8).withUnsafeBufferPointer { bytes in
                model.weights.withUnsafeBufferPointer { w in
                    fast.withUnsafeMutableBufferPointer { out in
                        model.extractor.score(utf8: bytes, weights: w, classes: c, logits: out, scratch: &sequence,
                                              buckets: &buckets, seen: &seen)
                    }
                }
            }
            #expect(fastCounts == referenceCounts, "\(text)")
            let maxDiff = zip(reference, fast).map { abs($0 - $1) }.max() ?? 0
            #expect(maxDiff < 1e-4, "\(text): max logit difference \(maxDiff)")
        }
    }

    @Test func decoderAgreesWithTheStandardLibrary() {
        var rng = SystemRandomNumberGenerator()
        // Valid text, then random bytes biased towards UTF-8 lead and continuation bytes.
        var cases: [[UInt8]] = Self.texts.map { Array($0.utf8) }
        cases += [[0xC0, 0x80], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF8], [0xE4, 0xBD]]
        let alphabet: [UInt8] = [0x41, 0x7F, 0x80, 0xBF, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xA0, 0x90]
        for _ in 0..<5_000 {
            cases.append((0..<Int.random(in: 1...6, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
        }
        for bytes in cases {
            var scalars: [UInt32] = []
            let valid = bytes.withUnsafeBufferPointer { UTF8Scalars.decode($0, into: { scalars.append($0) }) }
            let expected = bytes.withUnsafeBufferPointer { String(validating: $0, as: UTF8.self) }
            #expect(valid == (expected != nil), "\(bytes)")
            if let expected { #expect(scalars == expected.unicodeScalars.map(\.value), "\(bytes)") }
        }
    }

    @Test func invalidUTF8IsOther() throws {
        let classifier = try LanguagePack.load(from: Self.pack).makeClassifier()
        var scratch = classifier.makeScratch()
        let prediction = [0xE4, 0xBD, 0xA0, 0xFF, 0x41].withUnsafeBufferPointer { classifier.classify(utf8: $0, scratch: &scratch) }
        #expect(prediction.label == .other)
        #expect(prediction.score == 1)
    }

    @Test func perLabelThresholdsTurnWeakAnswersIntoOther() throws {
        var classifier = try LanguagePack.load(from: Self.pack).makeClassifier()
        let sentence = "佢哋琴日去咗睇戲。"
        #expect(classifier.classify(sentence: sentence).label == .yue)
        var thresholds = classifier.thresholds
        thresholds.labelMinScore[.yue] = 1.01
        classifier = LangIDClassifier(model: classifier.model, thresholds: thresholds)
        #expect(classifier.classify(sentence: sentence).label == .other)
        #expect(classifier.classify(sentence: "他們昨天去看了電影。").label == .zh)
    }
}
