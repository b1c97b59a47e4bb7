import Foundation
import Testing
@testable import VernacularLangID

@Suite struct LangIDModelTests {
    func tinyModel() throws -> LangIDModel {
        var options = LangIDTrainingOptions()
        options.hashBits = 12
        options.epochs = 8
        return try LangIDTrainer.train(Fixtures.tinyTraining, markers: Fixtures.tinyMarkers, options: options).0
    }

    @Test func trainingIsDeterministic() throws {
        #expect(try tinyModel().serialized() == tinyModel().serialized())
    }

    @Test func aTinyModelSeparatesItsClasses() throws {
        let classifier = LangIDClassifier(model: try tinyModel())
        #expect(classifier.classify(sentence: "佢哋唔知").label == .yue)
        #expect(classifier.classify(sentence: "他們不知道").label == .zh)
        #expect(classifier.classify(sentence: "they do not know").label == .en)
    }

    @Test func fileRoundTripKeepsPredictionsWithinHalfPrecision() throws {
        let model = try tinyModel()
        let loaded = try LangIDModel.decode(model.serialized())
        #expect(loaded.labels == model.labels)
        #expect(loaded.markers == model.markers)
        #expect(loaded.temperature == model.temperature)
        let maxDiff = zip(model.weights, loaded.weights).map { abs($0 - $1) }.max() ?? 0
        #expect(maxDiff < 1e-2)
        let a = LangIDClassifier(model: model), b = LangIDClassifier(model: loaded)
        for (_, text) in Fixtures.labelled {
            let pa = a.classify(sentence: text), pb = b.classify(sentence: text)
            #expect(pa.label == pb.label)
            #expect(abs(pa.score - pb.score) < 0.01)
        }
    }

    @Test func halfPrecisionDecodingMatchesTheStandardLibraryForEveryBitPattern() {
        var mismatches = 0
        for bits in 0...UInt16.max {
            let reference = Float(Float16(bitPattern: bits))
            let fast = LangIDModel.float(halfBits: bits)
            if reference.isNaN ? !fast.isNaN : reference.bitPattern != fast.bitPattern { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }

    @Test func damagedFilesThrowInsteadOfCrashing() throws {
        let bytes = try tinyModel().serialized()
        #expect(throws: LangIDError.self) { try LangIDModel.decode(Array(bytes.prefix(bytes.count - 3))) }
        #expect(throws: LangIDError.self) { try LangIDModel.decode(Array("NOPE".utf8) + bytes.dropFirst(4)) }
        #expect(throws: LangIDError.self) { try LangIDModel.decode([]) }
    }

    @Test func trainingFilesNameTheBadLine() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("langid-\(UUID().uuidString).tsv")
        try "yue\t佢哋嚟咗\n\nzh\t他們來了\nklingon\tnuqneH\n".write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(throws: LangIDError.badTrainingLine(file: url.path, line: 4, reason: "unknown label 'klingon' (known: yue, zh, en, mixed, neutral, other)")) {
            try LangIDTrainer.readLabelledFile(url)
        }
    }

    @Test func clausesCountAsCantoneseOrSWCOnlyWhenTheirMarkersAgree() throws {
        let markers = [try LexiconMarker("佢", kind: .cantonese), try LexiconMarker("嘅", kind: .cantonese),
                       try LexiconMarker("的", kind: .swc), try LexiconMarker("了", kind: .swc),
                       try LexiconMarker("在", kind: .shared)]
        let extractor = FeatureExtractor(hashBits: 12, maxN: 4, markers: markers)
        var buffer = FeatureBuffer()
        func clauses(_ text: String) -> [Int] {
            let counts = extractor.extract(Substring(text), into: &buffer)
            return [counts.cantoneseClauses, counts.swcClauses, counts.cantoneseMarkers, counts.swcMarkers]
        }
        // A Cantonese clause joined to an SWC clause: one of each.
        #expect(clauses("我等緊佢，車子終於來了。") == [1, 1, 1, 1])
        // An SWC word inside a Cantonese clause is no SWC clause.
        #expect(clauses("佢的確好叻，係咪？") == [0, 0, 1, 1])
        // 在 is shared: it neither counts as SWC nor makes 敵在明 an SWC clause.
        #expect(clauses("敵在明，我在暗，可以突襲佢。") == [1, 0, 1, 0])
        // 、 joins list items, so 佢、的 is one clause holding both.
        #expect(clauses("佢、的") == [0, 0, 1, 1])
        // A run of clause punctuation is one clause end, whatever the script.
        #expect(clauses("佢嘅書！？……呢本了") == [1, 1, 2, 1])
    }

    @Test func markersLongerThanFourCharactersAreRejected() {
        #expect(throws: LangIDError.self) { try LexiconMarker("唔該晒你呀", kind: .cantonese) }
    }
}
