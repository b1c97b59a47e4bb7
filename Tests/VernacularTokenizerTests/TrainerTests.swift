import Foundation
import Testing
@testable import VernacularTokenizer

/// `BPETrainer` on a small Cantonese/English corpus: reproducible, reloadable, exact round trips,
/// and Han runs that never merge with punctuation; plus agreement with Hugging Face `tokenizers`.
@Suite struct TrainerTests {
    /// Everyday Cantonese (chat, transport, food) with some English code-mixing, as a forum or
    /// chat corpus would give.
    static let corpus = [
        "唔該，我想問下去旺角點行？", "你搭港鐵荃灣綫，喺旺角站落車就到㗎喇。", "佢哋今晚去唔去食飯呀？",
        "我哋聽日一齊去飲茶，好唔好？", "呢間餐廳啲嘢食好好味，不過好貴。", "我今日好攰，想早啲返屋企瞓覺。",
        "你食咗飯未呀？我啱啱食完。", "部 iPhone 壞咗，要拎去維修。", "Meeting 改咗去下晝三點，記得 check email。",
        "佢話：「我唔係好明白你講乜。」", "天文台話聽日會落大雨，記得帶遮。", "呢個 project 個 deadline 係星期五。",
        "我想買兩杯凍檸茶同一個菠蘿包。", "巴士站喺邊度？我搵唔到。", "The MTR is the fastest way to get around Hong Kong.",
        "I'm going to Mong Kok tonight, do you want to come?", "Please send me the report by Friday.",
        "佢好鍾意打機，成日打到好夜。", "今日天氣好熱，三十三度。", "多謝晒！你真係幫咗我好多。",
    ]

    static func train(vocabularySize: Int = 400, texts: [String] = corpus, repeats: Int = 3) throws -> TrainedBPE {
        var trainer = try BPETrainer(options: BPETrainingOptions(vocabularySize: vocabularySize, minimumFrequency: 2))
        for _ in 0..<repeats { for text in texts { trainer.add(text) } }
        return trainer.train()
    }

    @Test func trainingIsDeterministic() throws {
        let first = try Self.train().tokenizerJSON()
        let second = try Self.train().tokenizerJSON()
        #expect(first == second)
        #expect(try Self.train().vocabularySize == 400)
    }

    @Test func writtenTokenizerReloadsAndRoundTrips() throws {
        let trained = try Self.train()
        let tokenizer = try Tokenizer(huggingFaceJSON: trained.tokenizerJSON())
        #expect(tokenizer.vocabularySize == trained.vocabularySize)
        #expect(tokenizer.tokenID(for: "<|endoftext|>") == 0)
        let unseen = ["佢琴日喺銅鑼灣見到你阿媽。", "Tabs\tand\nnewlines  and   spaces", "emoji 😂👍🏻 and 12345", "<|endoftext|>下一篇"]
        for text in Self.corpus + unseen {
            let ids = tokenizer.encode(text)
            #expect(tokenizer.decode(ids) == text, "\(text)")
        }
        // Frequent characters became single tokens.
        #expect(tokenizer.encode("好").count == 1)
        #expect(tokenizer.encode("<|endoftext|>") == [0])
    }

    @Test func hanTokensNeverHoldPunctuationOrLatin() throws {
        let trained = try Self.train(vocabularySize: 600)
        for bytes in trained.tokenBytes.dropFirst(trained.specialTokens.count) {
            // Pieces of a character decode to U+FFFD; what decodes whole must be all Han or no Han.
            let scalars = String(decoding: bytes, as: UTF8.self).unicodeScalars.filter { $0 != "\u{FFFD}" }
            let han = scalars.filter { SplitPattern.isHan($0.value) }
            #expect(han.isEmpty || han.count == scalars.count, "token \(String(decoding: bytes, as: UTF8.self).debugDescription)")
        }
        let tokenizer = try Tokenizer(huggingFaceJSON: trained.tokenizerJSON())
        let pieces = tokenizer.encode("唔該，我想問下", addSpecialTokens: false).map { tokenizer.decode([$0]) }
        #expect(pieces.contains("，"))
    }

    @Test func hanRunsAreWordsOfTheirOwn() {
        let text = "佢話，我哋用iPhone傾偈 I'm OK！「唔該」123 𠻺啲 ，hello  world\n\n x"
        let scalars = text.unicodeScalars.map(\.value)
        let classes = scalars.map(ScalarClass.of)
        var ends: [Int] = []
        scalars.withUnsafeBufferPointer { s in
            classes.withUnsafeBufferPointer { c in
                PreTokenizer(digits: nil, pattern: .hanIsolated).split(scalars: s, classes: c, start: 0, end: s.count, ends: &ends)
            }
        }
        var pieces: [String] = []
        var start = 0
        for end in ends {
            var piece = String.UnicodeScalarView()
            for v in scalars[start..<end] { piece.append(Unicode.Scalar(v)!) }
            pieces.append(String(piece))
            start = end
        }
        // What `tokenizers` gives for the same regex (tokenizers 0.23, Split Isolated).
        #expect(pieces == ["佢話", "，", "我哋用", "iPhone", "傾偈", " I", "'m", " OK", "！「", "唔該", "」", "1", "2", "3", " ",
                           "𠻺啲", " ，", "hello", " ", " world", "\n\n", " x"])
    }

    @Test func badOptionsThrow() {
        #expect(throws: TokenizerError.self) { try BPETrainer(options: BPETrainingOptions(vocabularySize: 100)) }
        #expect(throws: TokenizerError.self) { try BPETrainer(options: BPETrainingOptions(minimumFrequency: 0)) }
        #expect(throws: TokenizerError.self) { try BPETrainer(options: BPETrainingOptions(specialTokens: ["<s>", "<s>"])) }
    }

    /// Sentences from pycantonese's CTCPC corpus (vendor/, CC0), when the checkout has it.
    static let sentencesPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("vendor/data/pycantonese/ctcpc/sents.json").path
    static let hasSentences = FileManager.default.fileExists(atPath: sentencesPath)

    /// Trained on a slice of CTCPC, the file must give Hugging Face's ids on sentences it did
    /// not train on and on the mixed agreement texts (emoji, code, odd whitespace).
    @Test(.enabled(if: ExtensionPython.hasTokenizers && hasSentences, "needs python3 with tokenizers and vendor/ sentences"))
    func huggingFaceAgreesWithTheTrainedTokenizer() throws {
        let all = try JSONDecoder().decode([String].self, from: Data(contentsOf: URL(fileURLWithPath: Self.sentencesPath)))
        let training = stride(from: 0, to: all.count, by: 4).map { all[$0] }
        let held = stride(from: 1, to: all.count, by: max(1, all.count / 300)).map { all[$0] }
        let trained = try Self.train(vocabularySize: 3000, texts: training, repeats: 1)
        let json = trained.tokenizerJSON()
        let tokenizer = try Tokenizer(huggingFaceJSON: json)
        let texts = held + AgreementFixtures.texts
        let folder = NSTemporaryDirectory() + "vern-train-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try json.write(to: URL(fileURLWithPath: folder + "/tokenizer.json"))
        try JSONEncoder().encode(texts).write(to: URL(fileURLWithPath: folder + "/texts.json"))
        let script = """
            import json, sys
            from tokenizers import Tokenizer
            t = Tokenizer.from_file(sys.argv[1] + "/tokenizer.json")
            texts = json.load(open(sys.argv[1] + "/texts.json", encoding="utf-8"))
            print(json.dumps([t.encode(x).ids for x in texts]))
            """
        let result = try ExtensionPython.run(["-c", script, folder])
        #expect(result.status == 0, "\(result.output)")
        let reference = try JSONDecoder().decode([[Int32]].self, from: Data(result.output.utf8))
        #expect(reference.count == texts.count)
        #expect(held.count >= 300)
        var agreed = 0
        for (text, ids) in zip(texts, reference) {
            if tokenizer.encode(text) == ids { agreed += 1 } else { Issue.record("ids differ on \(text.debugDescription.prefix(80))") }
        }
        #expect(agreed == texts.count, "\(agreed) of \(texts.count) texts agree")
    }
}
