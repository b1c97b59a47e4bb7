import Foundation
import Testing
@testable import VernacularTokenizer

@Suite struct VocabularyExtensionTests {
    static let basePath = AgreementFixtures.fixtures.appendingPathComponent("tiny-bytelevel.tokenizer.json")
    /// The fixture texts that contain Han characters (HKCanCor utterances, ctcpc sentences).
    static let hanTexts = AgreementFixtures.texts.filter { VocabularyExtension.containsHan(Array($0.utf8)) }
    static let otherTexts = AgreementFixtures.texts.filter { !VocabularyExtension.containsHan(Array($0.utf8)) }

    static func extended(add: Int) throws -> (Tokenizer, Tokenizer, VocabularyExtension, Data) {
        let baseData = try Data(contentsOf: basePath)
        let base = try Tokenizer(huggingFaceJSON: baseData)
        let learnt = try VocabularyExtension.learn(base: base, texts: hanTexts, add: add)
        let json = try learnt.extendedTokenizerJSON(base: baseData)
        return (base, try Tokenizer(huggingFaceJSON: json), learnt, json)
    }

    @Test func newTokensFollowTheBaseVocabularyAndCutCantoneseTokens() throws {
        let (base, extended, learnt, _) = try Self.extended(add: 100)
        #expect(learnt.tokens.count == 100)
        #expect(learnt.tokens.map(\.id) == (0..<100).map { Int32(base.vocabularySize + $0) })
        #expect(extended.vocabularySize == base.vocabularySize + 100)
        let before = Self.hanTexts.map { base.encode($0, addSpecialTokens: false).count }.reduce(0, +)
        let after = Self.hanTexts.map { extended.encode($0, addSpecialTokens: false).count }.reduce(0, +)
        #expect(Double(after) < 0.85 * Double(before), "\(before) -> \(after) tokens")
        for text in Self.hanTexts { #expect(extended.decode(extended.encode(text, addSpecialTokens: false)) == text) }
    }

    @Test func textWithoutHanEncodesExactlyAsBefore() throws {
        let (base, extended, _, _) = try Self.extended(add: 100)
        for text in Self.otherTexts {
            #expect(extended.encode(text) == base.encode(text), "\(text)")
        }
        // Every original id keeps its text.
        for id in 0..<Int32(base.vocabularySize) { #expect(extended.tokenText(for: id) == base.tokenText(for: id)) }
    }

    @Test func piecesAreTheBaseEncodingOfEachNewToken() throws {
        let (base, extended, learnt, _) = try Self.extended(add: 50)
        for token in learnt.tokens {
            #expect(token.pieces.flatMap { base.tokenBytes($0) } == extended.tokenBytes(token.id))
            #expect(token.pieces.count >= 2)
        }
    }

    @Test func sentencePieceBasesLearnHanWordsAndKeepTheirIDs() throws {
        let url = AgreementFixtures.fixtures.appendingPathComponent("tiny-sentencepiece.tokenizer.json")
        let baseData = try Data(contentsOf: url)
        let spm = try Tokenizer(huggingFaceJSON: baseData)
        let learnt = try VocabularyExtension.learn(base: spm, texts: Self.hanTexts, add: 40)
        #expect(!learnt.tokens.isEmpty)
        let extended = try Tokenizer(huggingFaceJSON: learnt.extendedTokenizerJSON(base: baseData))
        try learnt.verify(extended: extended, base: spm)
        for token in learnt.tokens { #expect(VocabularyExtension.containsHan(Array(token.text.utf8)), "\(token.text)") }
        for text in AgreementFixtures.texts {
            let ids = extended.encode(text, addSpecialTokens: false)
            #expect(extended.decode(ids) == spm.decode(spm.encode(text, addSpecialTokens: false)))
        }
        for text in Self.otherTexts { #expect(extended.encode(text) == spm.encode(text), "\(text)") }
    }

    @Test func fertilityRowsCompareEachTokenizerWithTheBaseItExtends() throws {
        let (base, extended, _, _) = try Self.extended(add: 100)
        let spm = try Tokenizer(huggingFaceJSONAt: AgreementFixtures.fixtures.appendingPathComponent("tiny-sentencepiece.tokenizer.json"))
        let spmLearnt = try VocabularyExtension.learn(base: spm, texts: Self.hanTexts, add: 40)
        let spmExtended = try Tokenizer(huggingFaceJSON: spmLearnt.extendedTokenizerJSON(
            base: Data(contentsOf: AgreementFixtures.fixtures.appendingPathComponent("tiny-sentencepiece.tokenizer.json"))))
        let rows = FertilityRow.measure(
            tokenizers: [("base", base), ("extended", extended), ("spm", spm), ("spm+", spmExtended)],
            sets: [("yue", Self.hanTexts), ("other", Self.otherTexts)])
        #expect(rows.map(\.tokenizer) == ["base", "base", "extended", "extended", "spm", "spm", "spm+", "spm+"])
        #expect(rows.map(\.baseline) == [nil, nil, "base", "base", "base", "base", "spm", "spm"])
        let yue = try #require(rows.first { $0.tokenizer == "extended" && $0.set == "yue" })
        let yueBase = try #require(rows.first { $0.tokenizer == "base" && $0.set == "yue" })
        let change = try #require(yue.tokensPerCharacterChangePercent)
        let expected = (yue.fertility.tokensPerCharacter / yueBase.fertility.tokensPerCharacter - 1) * 100
        #expect(change < -15 && abs(change - expected) < 1e-9)
        #expect(rows.first { $0.tokenizer == "extended" && $0.set == "other" }?.tokensPerCharacterChangePercent == 0)
        // The row format `vern report` reads: the original keys, with the comparison added.
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(yue)) as? [String: Any]
        #expect(Set(json?.keys.map { $0 } ?? []) == ["tokenizer", "set", "fertility", "baseline",
                                                     "tokens_per_character_change_percent", "bytes_per_token_change_percent"])
        #expect(Set((json?["fertility"] as? [String: Any])?.keys.map { $0 } ?? [])
                == ["characters", "bytes", "tokens", "tokens_per_character", "bytes_per_token"])
    }

    /// The written file must mean the same to Hugging Face `tokenizers` (when installed).
    @Test(.enabled(if: ExtensionPython.hasTokenizers, "needs python3 with tokenizers"))
    func huggingFaceAgreesWithTheExtendedTokenizer() throws {
        let (_, extended, _, json) = try Self.extended(add: 100)
        let folder = NSTemporaryDirectory() + "vern-extend-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try json.write(to: URL(fileURLWithPath: folder + "/tokenizer.json"))
        try JSONEncoder().encode(AgreementFixtures.texts).write(to: URL(fileURLWithPath: folder + "/texts.json"))
        let script = """
            import json, sys
            from tokenizers import Tokenizer
            t = Tokenizer.from_file(sys.argv[1] + "/tokenizer.json")
            texts = json.load(open(sys.argv[1] + "/texts.json", encoding="utf-8"))
            print(json.dumps([t.encode(x, add_special_tokens=False).ids for x in texts]))
            """
        let result = try ExtensionPython.run(["-c", script, folder])
        #expect(result.status == 0, "\(result.output)")
        let reference = try JSONDecoder().decode([[Int32]].self, from: Data(result.output.utf8))
        for (text, ids) in zip(AgreementFixtures.texts, reference) {
            #expect(extended.encode(text, addSpecialTokens: false) == ids, "\(text)")
        }
    }
}

enum ExtensionPython {
    static let hasTokenizers: Bool = (try? run(["-c", "import tokenizers"]).status) == 0

    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
