import Foundation
import Testing
import VernacularEngine
import VernacularModels
import VernacularTokenizer
@testable import VernacularTrain

/// The installed SmolLM2-135M (vendor/models, from `make bootstrap`).
enum InstalledSmolLM2 {
    static var path: String {
        (ProcessInfo.processInfo.environment["VERNACULAR_MODELS"]
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("vendor/models").path) + "/SmolLM2-135M-Instruct.Q4_1.gguf"
    }
    static var available: Bool { FileManager.default.fileExists(atPath: path) }
}

@Suite(.serialized, .enabled(if: InstalledSmolLM2.available, "run make bootstrap to install SmolLM2"))
struct RealModelTrainingTests {
    static let cantonese = [
        "我哋今晚去邊度食飯呀？不如去樓下間茶餐廳啦，佢哋嘅菠蘿包好出名。",
        "佢話聽日唔得閒喎，要返公司開會，開完會先至得。",
        "呢間舖頭啲嘢好平，不過要排好耐隊，我上次等咗成個鐘。",
        "你食咗飯未呀？未呀，我啱啱先至收工，依家好肚餓。",
    ]

    func loadSmolLM2() throws -> LoadedModel {
        try ModelLoader.load(path: InstalledSmolLM2.path, options: ModelLoadOptions(quantizeForDecoding: false))
    }

    /// Chat records render in SmolLM2's ChatML; only the assistant's reply and its <|im_end|> are trained.
    @Test func chatRecordsTrainOnAssistantTokensOnly() throws {
        let base = try loadSmolLM2()
        let folder = try TinyModel.scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let good = #"{"messages": [{"role": "system", "content": "用廣東話答。"}, {"role": "user", "content": "你好嗎？"}, {"role": "assistant", "content": "我好好，多謝！"}, {"role": "user", "content": "食咗飯未？"}, {"role": "assistant", "content": "食咗喇。"}]}"#
        try Data((good + "\n").utf8).write(to: URL(fileURLWithPath: folder + "/chat.jsonl"))
        let set = try ChatData.load(paths: [folder + "/chat.jsonl"], tokenizer: base.tokenizer, template: base.chatTemplate, sequenceLength: 256)
        let example = try #require(set.examples.first)
        let trained = try #require(example.trained)
        let trainedText = zip(example.tokens.dropFirst(), trained).filter { $0.1 }.map { $0.0 }
        #expect(base.tokenizer.decode(trainedText) == "我好好，多謝！<|im_end|>食咗喇。<|im_end|>")
        let whole = base.tokenizer.decode(example.tokens)
        #expect(whole == ChatTemplate.chatML.render([
            ChatMessage(role: .system, content: "用廣東話答。"), ChatMessage(role: .user, content: "你好嗎？"),
            ChatMessage(role: .assistant, content: "我好好，多謝！"), ChatMessage(role: .user, content: "食咗飯未？"),
        ]) + "食咗喇。<|im_end|>")

        let bad = #"{"messages": [{"role": "user", "content": "冇人答我"}]}"#
        try Data((good + "\n" + bad + "\n").utf8).write(to: URL(fileURLWithPath: folder + "/mixed.jsonl"))
        let error = #expect(throws: TrainingError.self) {
            try ChatData.load(paths: [folder + "/mixed.jsonl"], tokenizer: base.tokenizer, template: base.chatTemplate, sequenceLength: 256)
        }
        #expect("\(error!)".contains("mixed.jsonl:2"))
    }

    /// A few LoRA steps with the embeddings trained lower SmolLM2's loss on Cantonese it sees
    /// again and again.
    @Test func smolLM2LossFallsOnCantonese() throws {
        let base = try loadSmolLM2()
        var options = TrainingOptions()
        options.sequenceLength = 48
        options.batchSize = 2
        options.maxSteps = 6
        options.learningRate = 1e-3
        options.warmupSteps = 1
        options.trainEmbeddings = true
        options.lora = LoRAOptions(rank: 8)
        let parts = try TrainedRun.prepare(base: base, extended: nil, options: options)
        let stream = PretrainingDataTestSupport.stream(Self.cantonese, tokenizer: parts.tokenizer)
        let data = TrainingSet(examples: PretrainingData.rows(of: stream, sequenceLength: 48))
        let folder = try TinyModel.scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let evaluator = HeldOutEvaluator(set: data, tokenizer: parts.tokenizer, batchSize: 2)
        let trainer = try Trainer(runDirectory: folder, manifest: TinyModel.manifest(options, data: data), model: parts.model,
                                  data: data, replay: nil, evaluator: evaluator, padding: parts.tokenizer.eosTokenID ?? 0)
        let summary = try trainer.run(resume: false)
        let before = try #require(summary.evalBefore), after = try #require(summary.evalAfter)
        #expect(after.bitsPerChar < before.bitsPerChar * 0.9, "bits/char \(before.bitsPerChar) -> \(after.bitsPerChar)")
    }
}

enum PretrainingDataTestSupport {
    static func stream(_ texts: [String], tokenizer: Tokenizer) -> [Int32] {
        texts.flatMap { tokenizer.encode($0, addSpecialTokens: false) + [tokenizer.eosTokenID!] }
    }
}
