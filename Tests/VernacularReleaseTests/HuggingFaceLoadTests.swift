import Foundation
import Testing
import VernacularCore
import VernacularEngine
import VernacularModels
import VernacularPack
import VernacularTokenizer
@testable import VernacularEval
@testable import VernacularRelease
@testable import VernacularTrain

/// The installed SmolLM2-135M (vendor/models, from `make bootstrap`).
enum InstalledSmolLM2 {
    static var path: String {
        (ProcessInfo.processInfo.environment["VERNACULAR_MODELS"] ?? PythonEnvironment.repository + "/vendor/models")
            + "/SmolLM2-135M-Instruct.Q4_1.gguf"
    }
    static var available: Bool { FileManager.default.fileExists(atPath: path) }
}

/// Release folders read by the Hugging Face libraries themselves and by a loader that shares no
/// code with vern.
@Suite(.serialized, .enabled(if: PythonEnvironment.available, PythonEnvironment.skipMessage))
struct HuggingFaceLoadTests {
    @Test func loadDatasetReadsTheSplitsAndCounts() throws {
        let fixture = try ReleaseFixture()
        let output = fixture.folder.file("release")
        let facts = try DatasetRelease.write(runFolder: fixture.runFolder, options: DatasetReleaseTests.options(), to: output)
        let found = try PythonEnvironment.check(["dataset", output])
        let splits = try #require(found["splits"] as? [String: [String: Any]])
        #expect(Set(splits.keys) == ["train", "validation", "test"])
        for split in facts.splits {
            let loaded = try #require(splits[split.name])
            #expect(loaded["rows"] as? Int == split.documents, "\(split.name)")
            #expect(loaded["columns"] as? [String] == DatasetRow.columns)
            let ids = try DatasetReleaseTests.rows(output, split).compactMap { $0["id"]?.stringValue }
            #expect(loaded["ids"] as? [String] == ids, "\(split.name): the rows datasets read are not the rows written")
        }
        #expect(facts.splits.reduce(0) { $0 + $1.documents } == (try fixture.stats).documentsWritten)
        let licences = Set(splits.values.flatMap { $0["licenses"] as? [String] ?? [] })
        #expect(licences == ["cc-by-4.0", "cc-by-sa-4.0", "cc0-1.0"])

        let card = try PythonEnvironment.check(["card", "dataset", output + "/README.md"])
        let metadata = try #require(card["metadata"] as? [String: Any])
        #expect(metadata["license"] as? String == "cc-by-sa-4.0")
        #expect(metadata["language"] as? [String] == ["yue"])
        #expect(metadata["size_categories"] as? [String] == ["n<1K"])
        #expect(metadata["task_categories"] as? [String] == ["text-generation"])
        let configs = try #require(metadata["configs"] as? [[String: Any]])
        let files = try #require(configs.first?["data_files"] as? [[String: String]])
        #expect(files.map { $0["split"] } == ["train", "validation", "test"])
        #expect(files.map { $0["path"] } == ["data/train-*.jsonl.gz", "data/validation-*.jsonl.gz", "data/test-*.jsonl.gz"])
    }

    /// SmolLM2 with trained adapters merged, exported, released beside a training run and an
    /// evaluation: the numpy Llama gives our logits, and huggingface_hub reads the card.
    @Test(.enabled(if: InstalledSmolLM2.available, "run make bootstrap to install SmolLM2"))
    func modelFolderGivesOurLogitsInAnIndependentLoader() throws {
        let folder = try TestFolder()
        let base = try ModelLoader.load(path: InstalledSmolLM2.path, options: ModelLoadOptions(quantizeForDecoding: false))
        var options = TrainingOptions()
        options.lora = LoRAOptions(rank: 4)
        options.sequenceLength = 256
        options.maxMinutes = 2
        // The vocabulary grown as `vern tokenizer extend` grows it, so the released embedding has new rows.
        let extension_ = try VocabularyExtension.learn(base: base.tokenizer, texts: Self.cantonese, add: 40)
        let tokenizerFolder = folder.file("train/tokenizer")
        try FileManager.default.createDirectory(atPath: tokenizerFolder, withIntermediateDirectories: true)
        try extension_.extendedTokenizerJSON(base: try TrainedRun.baseTokenizerJSON(base)).write(to: URL(fileURLWithPath: tokenizerFolder + "/tokenizer.json"))
        try extension_.mappingJSON().write(to: URL(fileURLWithPath: tokenizerFolder + "/new_tokens.json"))
        let parts = try TrainedRun.prepare(base: base, extended: try ExtendedTokenizer(folder: tokenizerFolder), options: options)
        let model = parts.model
        model.trainable = try model.trainable.enumerated().map { index, array in
            model.trainableNames[index].hasSuffix("lora_b") ? try randomNormal(array.shape, seed: UInt64(index)) * 0.02 : array
        }
        let export = folder.file("export")
        try HuggingFaceExport.write(weights: model.mergedWeights(), recipe: model.recipe, tokenizer: parts.tokenizer,
                                    tokenizerJSON: parts.extended!.tokenizerJSON, chatTemplate: parts.chatTemplate, to: export)
        let run = try Self.trainingRun(in: folder, options: options, vocabulary: model.recipe.vocabularySize, extended: true)
        let eval = try Self.evaluation(in: folder, model: export)

        let release = folder.file("release")
        let facts = try ModelRelease.write(source: export, options: ModelReleaseOptions(name: "yue-smollm2-test", trainRun: run, evalFolder: eval,
                                                                                        dataset: "vernacular/yue-demo"), to: release) { _ in base }
        #expect(facts.files == ["config.json", "generation_config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"])

        let ids = parts.tokenizer.encode("佢哋喺度等緊巴士，今日好似遲咗。The bus is late again.", addSpecialTokens: false)
        #expect(ids.contains { Int($0) >= base.tokenizer.vocabularySize }, "the text uses none of the new tokens")
        let tokens = try MLXArray(ints: ids, [1, ids.count])
        let ours = try model.network(model.trainable, dropoutSeed: nil).callAsFunction(tokens, cache: nil, lastOnly: false).asFloats()
        let logitsFile = folder.file("numpy-logits.f32")
        let answer = try PythonEnvironment.check(["logits", release, ids.map(String.init).joined(separator: ","), logitsFile])
        let vocabulary = model.recipe.vocabularySize
        #expect(answer["shape"] as? [Int] == [ids.count, vocabulary])
        let data = try Data(contentsOf: URL(fileURLWithPath: logitsFile))
        let theirs = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        try #require(theirs.count == ours.count)
        let difference = zip(ours, theirs).map { Swift.abs($0 - $1) }.max()!
        print("numpy Llama against vern on \(ids.count) tokens: logits differ by up to \(difference)")
        #expect(difference < 5e-4, "logits differ by up to \(difference)")
        func argmaxes(_ logits: [Float]) -> [Int] {
            stride(from: 0, to: logits.count, by: vocabulary).map { start in (start..<(start + vocabulary)).max { logits[$0] < logits[$1] }! - start }
        }
        #expect(argmaxes(ours) == argmaxes(theirs))
        // The adapters are in the released weights: the grown model without them gives other logits.
        let untrained = try model.network(model.trainable.enumerated().map { index, array in
            model.trainableNames[index].hasSuffix("lora_b") ? try zeros(array.shape) : array
        }, dropoutSeed: nil).callAsFunction(tokens, cache: nil, lastOnly: false).asFloats()
        #expect(zip(untrained, theirs).map { Swift.abs($0 - $1) }.max()! > 0.05)

        let card = try PythonEnvironment.check(["card", "model", release + "/README.md"])
        let metadata = try #require(card["metadata"] as? [String: Any])
        #expect(metadata["license"] as? String == "apache-2.0")
        #expect(metadata["base_model"] as? String == "HuggingFaceTB/SmolLM2-135M-Instruct")
        #expect(metadata["datasets"] as? [String] == ["vernacular/yue-demo"])
        #expect(metadata["pipeline_tag"] as? String == "text-generation")
        let results = try #require(card["eval_results"] as? [[String: Any]])
        // Only the released model's rows go into model-index; the base's stay in the table.
        #expect(results.count == 2)
        #expect(results.contains { $0["dataset"] as? String == "yue-mmlu" && $0["metric"] as? String == "acc" && $0["value"] as? Double == 0.3125 })
        #expect(results.contains { $0["dataset"] as? String == "yue-mmlu" && $0["metric"] as? String == "acc_norm" && $0["value"] as? Double == 0.34375 })
        let text = try String(contentsOfFile: release + "/README.md", encoding: .utf8)
        #expect(text.contains("| yue-mmlu | smollm2 | acc | 0.2500 | 32 | 0 |"))
        // The curve: 20 steps in windows of 2, the first window the mean of steps 1 and 2.
        #expect(text.contains("20 steps, 40,960 tokens"))
        #expect(text.contains("| 1 | \(Markdown.decimal((Self.loss(1) + Self.loss(2)) / 2)) |"))
        #expect(text.contains("| 20 | \(Markdown.decimal((Self.loss(19) + Self.loss(20)) / 2)) |"))
        let added = extension_.tokens.count
        #expect(added > 10)
        #expect(text.contains("with \(added) tokens learnt on the training corpus (vocabulary 49,152 to \(Markdown.count(49_152 + added)); original ids unchanged)"))
        #expect(text.contains("compare models by bits per character"))
        #expect(text.contains("Held-out loss: 3.500 at step 10, 3.250 at step 20 (bits per character 5.000 to 4.640)"))
    }

    static let cantonese = [
        "佢哋喺度等緊巴士，今日好似遲咗。", "我哋今晚去邊度食飯呀？", "佢話聽日唔得閒喎。", "呢間餐廳啲嘢食好好味。",
        "你食咗飯未呀？", "點解你唔早啲講？", "我啱啱先至收工。", "聽日會唔會落雨呀？", "佢哋喺度等緊你。", "今日好似好熱。",
    ].flatMap { Array(repeating: $0, count: 4) }

    static func loss(_ step: Int) -> Double { 4 - Double(step) * 0.05 + (step % 2 == 0 ? 0.02 : 0) }

    /// A `vern train` run folder as the trainer leaves it: run.json and metrics.jsonl.
    static func trainingRun(in folder: TestFolder, options: TrainingOptions, vocabulary: Int, extended: Bool) throws -> String {
        let run = folder.file("train")
        try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
        let manifest = VernacularTrain.RunManifest(
            baseModel: "smollm2", baseModelPath: InstalledSmolLM2.path, architecture: "llama", vocabularySize: vocabulary,
            extendedTokenizer: extended, options: options, data: ["demo-out/dedup/shard-*.jsonl.zst"], dataFingerprint: "656-d73bb5837bbd25db",
            replay: [], replayFingerprint: nil, evalData: ["demo-out/heldout/yue-eval.jsonl"])
        try JSONEncoder().encode(manifest).write(to: URL(fileURLWithPath: run + "/run.json"))
        let log = try MetricsLog(runDirectory: run, keepingThrough: 0)
        for step in 1...20 {
            var metrics = StepMetrics(step: step, loss: loss(step), learningRate: 1e-3, gradientNorm: 1, tokensPerSecond: 80,
                                      tokensSeen: step * 2048, elapsedSeconds: Double(step) * 6, peakResidentMB: 900)
            if step == 10 { metrics.evalLoss = 3.5; metrics.evalBitsPerChar = 5 }
            if step == 20 { metrics.evalLoss = 3.25; metrics.evalBitsPerChar = 4.64 }
            try log.append(metrics)
        }
        return run
    }

    /// results.json as `vern eval` writes it, for the base model and the released one.
    static func evaluation(in folder: TestFolder, model: String) throws -> String {
        let eval = folder.file("eval")
        try FileManager.default.createDirectory(atPath: eval, withIntermediateDirectories: true)
        func result(_ name: String, acc: Double, accNorm: Double) -> TaskResult {
            TaskResult(task: "yue-mmlu", kind: .mcYueBenchmark, path: "bench/yue-mmlu", options: [:], model: name,
                       method: "log-likelihood of each choice", shots: 0, prompt: nil, items: 32, scoredNow: 32, seconds: 12,
                       problems: [], metrics: ["acc": acc, "acc_norm": accNorm], subjects: [])
        }
        let results = EvalResults(version: "0.1.0", created: "2026-12-04T19:00:00Z",
                                  settings: EvalSettings(tasks: []), models: [.init(name: "smollm2", key: "a"), .init(name: model, key: "b")],
                                  tasks: [result("smollm2", acc: 0.25, accNorm: 0.28125), result(model, acc: 0.3125, accNorm: 0.34375)])
        try EvalFiles.write(results, records: [], to: eval)
        return eval
    }
}
