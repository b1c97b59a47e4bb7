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
        #expect(throws: LangIDError.badTrainingLine(file: url.path, line: 4, reason: "unknown label 'klingon' (known: yue, zh, en, mixed, other)")) {
            try LangIDTrainer.readLabelledFile(url)
        }
    }

    @Test func markersLongerThanFourCharactersAreRejected() {
        #expect(throws: LangIDError.self) { try LexiconMarker("唔該晒你呀", kind: .cantonese) }
    }
}
