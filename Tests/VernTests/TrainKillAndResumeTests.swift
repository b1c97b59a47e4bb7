import Foundation
import Testing
import VernacularEngine
import VernacularModels
import VernacularPack
import VernacularTrain

/// `vern train` killed with SIGKILL mid-run and resumed with `--resume RUN_DIR` ends with the
/// same weights, bit for bit, as a run never interrupted. The model is a small random Llama with
/// SmolLM2's tokenizer, written as a Hugging Face folder, so the run takes seconds.
enum SmolLM2Tokenizer {
    static var path: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("vendor/models/SmolLM2-135M-Instruct.Q4_1.gguf").path
    }
    static var available: Bool { FileManager.default.fileExists(atPath: path) }
}

@Suite(.serialized, .enabled(if: SmolLM2Tokenizer.available, "run make bootstrap to install SmolLM2 (its tokenizer)"))
struct TrainKillAndResumeTests {
    static var tokenizerModel: String { SmolLM2Tokenizer.path }

    func writeTinyModel(to folder: String) throws {
        let (tokenizer, json) = try TokenizerFile.loadWithJSON(path: Self.tokenizerModel)
        let c = LlamaConfiguration(hiddenSize: 32, intermediateSize: 64, layerCount: 2, attentionHeads: 4, kvHeads: 2,
                                   vocabularySize: tokenizer.vocabularySize, tieWordEmbeddings: true, maxPositionEmbeddings: 512)
        var weights: [(name: String, array: MLXArray)] = []
        var seed: UInt64 = 5
        func add(_ name: String, _ shape: [Int]) throws {
            seed += 1
            weights.append((name, shape.count == 1 ? try full(shape, value: 1)
                                                   : try randomNormal(shape, seed: seed) * (1 / Float(shape[1]).squareRoot())))
        }
        try add("model.embed_tokens.weight", [c.vocabularySize, c.hiddenSize])
        for layer in 0..<c.layerCount {
            let p = "model.layers.\(layer)."
            try add(p + "input_layernorm.weight", [32])
            try add(p + "self_attn.q_proj.weight", [32, 32])
            try add(p + "self_attn.k_proj.weight", [16, 32])
            try add(p + "self_attn.v_proj.weight", [16, 32])
            try add(p + "self_attn.o_proj.weight", [32, 32])
            try add(p + "post_attention_layernorm.weight", [32])
            try add(p + "mlp.gate_proj.weight", [64, 32])
            try add(p + "mlp.up_proj.weight", [64, 32])
            try add(p + "mlp.down_proj.weight", [32, 64])
        }
        try add("model.norm.weight", [32])
        try HuggingFaceExport.write(weights: weights, recipe: ModelRecipe(architecture: "llama", shape: .llama(c)),
                                    tokenizer: tokenizer, tokenizerJSON: json, chatTemplate: .chatML, to: folder)
    }

    func writeData(to path: String) throws {
        let sentences = ["我哋今晚去邊度食飯呀？", "佢話聽日唔得閒喎。", "呢間餐廳啲嘢食好好味。", "你食咗飯未呀？",
                         "佢哋喺度等緊巴士。", "點解你唔早啲講？", "我啱啱先至收工。", "聽日會唔會落雨呀？"]
        var lines = ""
        for n in 0..<60 {
            let text = (0..<(2 + n % 4)).map { sentences[(n + $0 * 3) % sentences.count] }.joined()
            lines += #"{"id": "d\#(n)", "text": "\#(text)"}"# + "\n"
        }
        try Data(lines.utf8).write(to: URL(fileURLWithPath: path))
    }

    @Test func killedTrainingResumesToIdenticalWeights() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("train-kill-\(UUID())").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try writeTinyModel(to: root + "/tiny")
        try writeData(to: root + "/data.jsonl")
        let steps = 120
        func arguments(_ output: String) -> [String] {
            ["train", "--model", root + "/tiny", "--data", root + "/data.jsonl", "--output", root + "/" + output,
             "--max-steps", "\(steps)", "--save-every", "10", "--seq-len", "32", "--batch-size", "2", "--lora-rank", "4",
             "--lora-dropout", "0.05", "--lr", "1e-3", "--quiet"]
        }
        let reference = try VernBinary.run(arguments("reference"))
        #expect(reference.status == 0, "\(reference.error)")

        let process = Process()
        process.executableURL = URL(fileURLWithPath: VernBinary.path)
        process.arguments = arguments("killed")
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let checkpoint = root + "/killed/checkpoints/step-0000030/state.json"
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: checkpoint) && process.isRunning && Date() < deadline { usleep(2_000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "the run finished before it could be killed")

        let resumed = try VernBinary.run(["train", "--resume", root + "/killed", "--quiet"])
        #expect(resumed.status == 0, "\(resumed.error)")
        #expect(resumed.output.contains("resumed at step"))
        let last = String(format: "/checkpoints/step-%07d/trainable.safetensors", steps)
        let a = try Data(contentsOf: URL(fileURLWithPath: root + "/reference" + last))
        let b = try Data(contentsOf: URL(fileURLWithPath: root + "/killed" + last))
        #expect(a == b, "the resumed run's final weights differ from the uninterrupted run's")
        let metricsA = try String(contentsOfFile: root + "/reference/metrics.jsonl", encoding: .utf8)
            .split(separator: "\n").compactMap { $0.split(separator: ",").first(where: { $0.contains("\"loss\"") }) }
        let metricsB = try String(contentsOfFile: root + "/killed/metrics.jsonl", encoding: .utf8)
            .split(separator: "\n").compactMap { $0.split(separator: ",").first(where: { $0.contains("\"loss\"") }) }
        #expect(metricsA.count == steps && metricsA == metricsB)

        // A resume with other settings is refused before any step.
        let changed = try VernBinary.run(["train", "--model", root + "/tiny", "--data", root + "/data.jsonl", "--resume", root + "/killed",
                                          "--seq-len", "64", "--max-steps", "\(steps + 5)", "--quiet"])
        #expect(changed.status != 0)
        #expect(changed.error.contains("other settings"))
    }
}
