import Foundation
import Testing
import VernacularWeights
@testable import VernacularTokenizer

/// Vocabulary extension of the two real GGUF models in vendor/models (SmolLM2: byte-level BPE
/// with merges; Gemma 3: SentencePiece-style BPE from scores, with byte fallback). Skipped when
/// the models are not installed.
@Suite struct GGUFExtensionTests {
    static let models = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("vendor/models")
    static let bases = ["SmolLM2-135M-Instruct.Q4_1.gguf", "gemma-3-270m-q4_k_m.gguf"]
    static let installed = bases.allSatisfy { FileManager.default.fileExists(atPath: models.appendingPathComponent($0).path) }

    /// Cantonese, Standard Written Chinese, English, emoji and code, written for these tests,
    /// plus every agreement fixture text (HKCanCor, ctcpc, edge cases, special tokens).
    static let mixed: [String] = [
        "我哋今晚去邊度食飯呀？不如去旺角食火鍋啦，好耐冇食過喇。",
        "佢話佢唔嚟喎，你話點算好？咁就冇辦法㗎喇。",
        "政府今日公布新措施，以協助中小企業應對經濟下行的壓力。",
        "本條例旨在保障個人資料私隱，並規管資料的收集及使用。",
        "The committee met on Tuesday to review the budget proposal.",
        "呢部 iPhone 15 Pro 幾多錢？HK$8,599 咋，好抵 😂👍🏽",
        "let total = items.reduce(0) { $0 + $1.price }  // 計總數",
    ] + AgreementFixtures.texts

    /// What each test needs of one base, built once.
    struct Extended {
        var base: Tokenizer
        var baseJSON: Data
        var learnt: VocabularyExtension
        var json: Data
        var extended: Tokenizer
    }

    static func extend(_ file: String) throws -> Extended {
        let gguf = try GGUFTokenizerData(gguf: GGUFFile(path: models.appendingPathComponent(file).path))
        let base = try Tokenizer(gguf: gguf)
        let baseJSON = try gguf.huggingFaceJSON()
        // Count 1: the fixtures are small, and Gemma's new characters (𡃉, 𨋢) occur once each.
        let learnt = try VocabularyExtension.learn(base: base, texts: VocabularyExtensionTests.hanTexts, add: 120, minimumCount: 1)
        let json = try learnt.extendedTokenizerJSON(base: baseJSON)
        return Extended(base: base, baseJSON: baseJSON, learnt: learnt, json: json, extended: try Tokenizer(huggingFaceJSON: json))
    }

    static let cache: [String: Result<Extended, any Error>] = {
        guard installed else { return [:] }
        return Dictionary(uniqueKeysWithValues: bases.map { file in (file, Result { try extend(file) }) })
    }()

    static func extended(_ file: String) throws -> Extended { try #require(cache[file]).get() }

    @Test("the tokenizer.json written for a GGUF encodes as the GGUF does", .enabled(if: installed), arguments: bases)
    func writtenJSONMatchesTheGGUF(file: String) throws {
        let e = try Self.extended(file)
        let written = try Tokenizer(huggingFaceJSON: e.baseJSON)
        #expect(written.vocabularySize == e.base.vocabularySize)
        #expect(written.addsBOS == e.base.addsBOS)
        // tokenizer.json names BOS only through the template that adds it (Gemma); the GGUF's
        // EOS and a BOS it does not add live in transformers' tokenizer_config.json instead.
        if e.base.addsBOS { #expect(written.bosTokenID == e.base.bosTokenID) }
        #expect(written.addedTokens.count == e.base.addedTokens.count)
        for id in 0..<Int32(e.base.vocabularySize) where written.tokenBytes(id) != e.base.tokenBytes(id) {
            Issue.record("\(file): id \(id) decodes differently")
        }
        for text in Self.mixed {
            let ids = e.base.encode(text)
            #expect(written.encode(text) == ids, "\(file): \(text.prefix(60))")
            #expect(written.decode(ids) == e.base.decode(ids))
        }
    }

    @Test("extending a real base keeps every original id and round-trips text", .enabled(if: installed), arguments: bases)
    func extensionKeepsOriginalIDs(file: String) throws {
        let e = try Self.extended(file)
        try e.learnt.verify(extended: e.extended, base: e.base)
        #expect(e.learnt.tokens.count == 120)
        #expect(e.extended.vocabularySize == e.base.vocabularySize + 120)
        for token in e.learnt.tokens {
            #expect(token.pieces.flatMap { e.base.tokenBytes($0) } == e.extended.tokenBytes(token.id), "\(token.text)")
        }
        var before = 0, after = 0
        for text in Self.mixed {
            let ids = e.extended.encode(text, addSpecialTokens: false)
            #expect(e.extended.decode(ids) == e.base.decode(e.base.encode(text, addSpecialTokens: false)), "\(text.prefix(60))")
            if VocabularyExtension.containsHan(Array(text.utf8)) {
                #expect(e.extended.decode(ids) == text)
                before += e.base.encode(text, addSpecialTokens: false).count
                after += ids.count
            } else {
                // New tokens are Han words: text without Han encodes exactly as before.
                #expect(ids == e.base.encode(text, addSpecialTokens: false), "\(text.prefix(60))")
            }
        }
        #expect(Double(after) < 0.95 * Double(before), "\(file): \(before) -> \(after) tokens on Han texts")
    }

    @Test("Gemma's extension adds the Han characters it spelt in bytes", .enabled(if: installed))
    func sentencePieceBaseGainsCharacters() throws {
        let e = try Self.extended("gemma-3-270m-q4_k_m.gguf")
        let characters = e.learnt.tokens.filter { $0.left == nil }
        #expect(characters.contains { $0.text == "𡃉" }, "\(characters.map(\.text))")
        for token in characters {
            // Under the base: one <0xNN> token per UTF-8 byte; extended: one token.
            #expect(token.pieces.count == token.text.utf8.count)
            #expect(e.extended.encode(token.text, addSpecialTokens: false) == [token.id])
        }
        // Merged tokens keep spaces as U+2581 in the vocabulary.
        for token in e.learnt.tokens where token.text.contains(" ") { #expect(token.token.contains("\u{2581}")) }
    }

    /// Hugging Face `tokenizers` must read the written files as our encoder does.
    @Test(.enabled(if: installed && ExtensionPython.hasTokenizers, "needs vendor/models and python3 with tokenizers"),
          arguments: bases)
    func huggingFaceAgreesWithTheExtendedGGUFTokenizer(file: String) throws {
        let e = try Self.extended(file)
        let folder = NSTemporaryDirectory() + "vern-gguf-extend-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try e.json.write(to: URL(fileURLWithPath: folder + "/tokenizer.json"))
        try JSONEncoder().encode(Self.mixed).write(to: URL(fileURLWithPath: folder + "/texts.json"))
        let script = """
            import json, sys
            from tokenizers import Tokenizer
            t = Tokenizer.from_file(sys.argv[1] + "/tokenizer.json")
            texts = json.load(open(sys.argv[1] + "/texts.json", encoding="utf-8"))
            print(json.dumps({"vocabulary": t.get_vocab_size(), "ids": [t.encode(x).ids for x in texts]}))
            """
        let result = try ExtensionPython.run(["-c", script, folder])
        #expect(result.status == 0, "\(result.output)")
        struct Reference: Decodable { var vocabulary: Int; var ids: [[Int32]] }
        let reference = try JSONDecoder().decode(Reference.self, from: Data(result.output.utf8))
        #expect(reference.vocabulary == e.extended.vocabularySize)
        var newTokensUsed = 0
        for (text, ids) in zip(Self.mixed, reference.ids) {
            #expect(e.extended.encode(text) == ids, "\(file): \(text.prefix(60))")
            newTokensUsed += ids.filter { $0 >= e.base.vocabularySize }.count
        }
        #expect(newTokensUsed > 0)
    }
}

/// The tokenizer.json written for GGUF metadata, on committed tokenizers: each byte-level
/// pre-tokeniser name we know, and a SentencePiece model with a dummy prefix (Prepend, Strip).
@Suite struct GGUFTokenizerJSONTests {
    static let byteLevelNames = ["qwen2", "llama-bpe", "smollm", "gpt2"]

    /// The committed byte-level tokenizer as llama.cpp would store it, under pre-tokeniser `pre`.
    static func byteLevelGGUF(pre: String) throws -> GGUFTokenizerData {
        let url = AgreementFixtures.fixtures.appendingPathComponent("tiny-bytelevel.tokenizer.json")
        let tokenizer = try Tokenizer(huggingFaceJSONAt: url)
        let root = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let merges = try #require((root["model"] as? [String: Any])?["merges"] as? [[String]])
        let special = Set(tokenizer.addedTokens.map(\.id))
        return GGUFTokenizerData(
            model: "gpt2", pre: pre, tokens: (0..<Int32(tokenizer.vocabularySize)).map { tokenizer.tokenText(for: $0)! },
            tokenTypes: (0..<Int32(tokenizer.vocabularySize)).map { special.contains($0) ? 3 : 1 },
            merges: merges.map { $0.joined(separator: " ") }, bosID: 0, eosID: 0)
    }

    static func sentencePieceGGUF() throws -> GGUFTokenizerData {
        let data = try Data(contentsOf: AgreementFixtures.fixtures.appendingPathComponent("tiny-spm.gguf-tokenizer.json"))
        return try JSONDecoder().decode(GGUFTokenizerData.self, from: data)
    }

    static func cases() throws -> [(name: String, gguf: GGUFTokenizerData)] {
        try byteLevelNames.map { ($0, try byteLevelGGUF(pre: $0)) } + [("tiny-spm", try sentencePieceGGUF())]
    }

    @Test func writtenJSONEncodesAndDecodesAsTheGGUF() throws {
        for (name, gguf) in try Self.cases() {
            let direct = try Tokenizer(gguf: gguf)
            let written = try Tokenizer(huggingFaceJSON: gguf.huggingFaceJSON())
            #expect(written.vocabularySize == direct.vocabularySize)
            #expect(written.addsBOS == direct.addsBOS, "\(name)")
            for text in AgreementFixtures.texts {
                let ids = direct.encode(text)
                #expect(written.encode(text) == ids, "\(name): \(text.prefix(60))")
                #expect(written.decode(ids) == direct.decode(ids), "\(name): \(text.prefix(60))")
            }
        }
        // Under its own pre-tokeniser the GGUF form is the committed tokenizer itself.
        let original = try Tokenizer(huggingFaceJSONAt: AgreementFixtures.fixtures.appendingPathComponent("tiny-bytelevel.tokenizer.json"))
        let qwen = try Tokenizer(huggingFaceJSON: Self.byteLevelGGUF(pre: "qwen2").huggingFaceJSON())
        for text in AgreementFixtures.texts { #expect(qwen.encode(text) == original.encode(text)) }
    }

    @Test func unknownPreTokenizerIsNamed() throws {
        let gguf = try Self.byteLevelGGUF(pre: "falcon")
        #expect(throws: TokenizerError.unsupported(component: "tokenizer.ggml.pre", kind: "falcon")) { try gguf.huggingFaceJSON() }
    }

    @Test(.enabled(if: ExtensionPython.hasTokenizers, "needs python3 with tokenizers"))
    func huggingFaceReadsTheWrittenJSONAsWeDo() throws {
        let folder = NSTemporaryDirectory() + "vern-gguf-json-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cases = try Self.cases()
        var ours: [[[Int32]]] = []
        for (name, gguf) in cases {
            let json = try gguf.huggingFaceJSON()
            try json.write(to: URL(fileURLWithPath: "\(folder)/\(name).json"))
            let tokenizer = try Tokenizer(huggingFaceJSON: json)
            ours.append(AgreementFixtures.texts.map { tokenizer.encode($0) })
        }
        try JSONEncoder().encode(AgreementFixtures.texts).write(to: URL(fileURLWithPath: folder + "/texts.json"))
        let script = """
            import json, sys
            from tokenizers import Tokenizer
            texts = json.load(open(sys.argv[1] + "/texts.json", encoding="utf-8"))
            out = []
            for name in sys.argv[2:]:
                t = Tokenizer.from_file(sys.argv[1] + "/" + name + ".json")
                out.append([t.encode(x).ids for x in texts])
            print(json.dumps(out))
            """
        let result = try ExtensionPython.run(["-c", script, folder] + cases.map(\.name))
        #expect(result.status == 0, "\(result.output)")
        let reference = try JSONDecoder().decode([[[Int32]]].self, from: Data(result.output.utf8))
        for (index, (name, _)) in cases.enumerated() {
            for (text, (a, b)) in zip(AgreementFixtures.texts, zip(ours[index], reference[index])) {
                #expect(a == b, "\(name): \(text.prefix(60))")
            }
        }
    }
}
