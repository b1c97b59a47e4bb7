import Foundation
import Testing
import VernacularEngine
import VernacularModels
import VernacularTokenizer
import VernacularWeights
@testable import VernacularTrain

/// SmolLM2 with Cantonese tokens added, trained on the new rows only (the default with an
/// extended tokenizer): the base rows stay, and the new output rows start near the base model.
@Suite(.serialized, .enabled(if: InstalledSmolLM2.available, "run make bootstrap to install SmolLM2"))
struct NewRowTrainingTests {
    static let texts = RealModelTrainingTests.cantonese + [
        "今日天氣好好，我哋去咗行山，行到山頂睇日落，好靚呀。",
        "阿媽煮咗好多餸，有蒸魚、炒菜同埋老火湯，大家都食得好飽。",
        "我細佬成日打機，功課又唔做，阿爸話要沒收佢部電話。",
        "呢個週末我哋一齊去海灘游水好唔好？記得帶埋太陽油。",
    ]

    func extendedFolder(base: LoadedModel, in folder: String) throws -> String {
        let gguf = try GGUFTokenizerData(gguf: GGUFFile(path: InstalledSmolLM2.path))
        let learnt = try VocabularyExtension.learn(base: base.tokenizer, texts: Self.texts, add: 40, minimumCount: 2)
        let output = folder + "/tokenizer"
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        try learnt.extendedTokenizerJSON(base: gguf.huggingFaceJSON()).write(to: URL(fileURLWithPath: output + "/tokenizer.json"))
        try learnt.mappingJSON().write(to: URL(fileURLWithPath: output + "/new_tokens.json"))
        return output
    }

    func bitsPerChar(_ model: TrainableModel, tokenizer: Tokenizer, data: TrainingSet) throws -> Double {
        try HeldOutEvaluator(set: data, tokenizer: tokenizer, batchSize: 2).evaluate(model.network(model.trainable, dropoutSeed: nil)).bitsPerChar
    }

    @Test func baseRowsStayAndNewOutputRowsStartNearTheBase() throws {
        let base = try ModelLoader.load(path: InstalledSmolLM2.path, options: ModelLoadOptions(quantizeForDecoding: false))
        let folder = try TinyModel.scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let extended = try ExtendedTokenizer(folder: try extendedFolder(base: base, in: folder))
        #expect(extended.newTokens.count >= 20)
        var options = TrainingOptions()
        options.sequenceLength = 64
        options.batchSize = 2
        options.maxSteps = 3
        options.warmupSteps = 1
        options.trainEmbeddings = true
        options.lora = LoRAOptions(rank: 4)
        #expect(options.embeddingRows == .new)
        let parts = try TrainedRun.prepare(base: base, extended: extended, options: options)
        let model = parts.model
        let baseRows = extended.baseVocabularySize
        #expect(!model.recipe.tiesEmbeddings, "the head is untied for rows of its own")
        #expect(model.trainableNames.contains("model.embed_tokens.weight.new_rows"))
        #expect(model.trainableNames.contains("lm_head.weight.new_rows"))
        #expect(!model.trainableNames.contains("model.embed_tokens.weight"))
        let newRows = model.recipe.vocabularySize - baseRows
        // Gradients and optimizer state only for the new rows and the adapters.
        for (name, array) in zip(model.trainableNames, model.trainable) {
            #expect(name.hasSuffix(".new_rows") ? array.shape == [newRows, 576] : name.contains(".lora_"), "\(name) \(array.shape)")
        }

        let stream = PretrainingDataTestSupport.stream(Self.texts, tokenizer: parts.tokenizer)
        let data = TrainingSet(examples: PretrainingData.rows(of: stream, sequenceLength: 64))
        let baseStream = PretrainingDataTestSupport.stream(Self.texts, tokenizer: base.tokenizer)
        let baseData = TrainingSet(examples: PretrainingData.rows(of: baseStream, sequenceLength: 64))
        let baseParts = try TrainedRun.prepare(base: base, extended: nil, options: options)
        let baseBits = try bitsPerChar(baseParts.model, tokenizer: base.tokenizer, data: baseData)
        let meanBits = try bitsPerChar(model, tokenizer: parts.tokenizer, data: data)
        let line = try #require(try NewOutputRows.initialise(model, newTokens: extended.newTokens, data: data))
        let startBits = try bitsPerChar(model, tokenizer: parts.tokenizer, data: data)
        // The mean of the pieces starts far above the base model; the first piece and its share near it.
        #expect(meanBits > baseBits + 1, "mean rows \(meanBits) against base \(baseBits)")
        #expect(startBits < meanBits - 1 && startBits < baseBits + 1, "started rows \(startBits), mean \(meanBits), base \(baseBits); \(line)")

        // A new token's output row is its first piece's row plus its log-share along u.
        let head = try model.frozen["lm_head.weight"]!.asFloats()
        let started = try model.trainable[model.trainableNames.firstIndex(of: "lm_head.weight.new_rows")!].asFloats()
        let token = extended.newTokens[0]
        let first = Int(token.pieces[0]), row = Int(token.id) - baseRows
        let offset = (0..<576).map { started[row * 576 + $0] - head[first * 576 + $0] }
        #expect(offset.contains { $0 != 0 })

        // Training moves the new rows and adapters only: every base row is the base model's.
        let trainer = try Trainer(runDirectory: folder + "/run", manifest: TinyModel.manifest(options, data: data), model: model,
                                  data: data, replay: nil, evaluator: nil, padding: parts.tokenizer.eosTokenID ?? 0)
        _ = try trainer.run(resume: false)
        let merged = Dictionary(uniqueKeysWithValues: try model.mergedWeights().map { ($0.name, $0.array) })
        let original = try base.weights.tensor(named: "model.embed_tokens.weight")!.asFloats()
        let embedding = try merged["model.embed_tokens.weight"]!.asFloats()
        let outputRows = try merged["lm_head.weight"]!.asFloats()
        #expect(Array(embedding[0..<(baseRows * 576)]) == Array(original[0..<(baseRows * 576)]))
        #expect(Array(outputRows[0..<(baseRows * 576)]) == Array(original[0..<(baseRows * 576)]))
        let trainedNew = try model.trainable[model.trainableNames.firstIndex(of: "lm_head.weight.new_rows")!].asFloats()
        #expect(trainedNew != started, "the new output rows trained")
    }

    /// Through `TrainingJob` (where the new output rows start): a run killed after its step-2
    /// checkpoint, and one killed before any checkpoint, resumed, end as one never interrupted.
    @Test func resumeWithNewRowsIsBitIdentical() throws {
        let base = try ModelLoader.load(path: InstalledSmolLM2.path, options: ModelLoadOptions(quantizeForDecoding: false))
        let folder = try TinyModel.scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let tokenizer = try extendedFolder(base: base, in: folder)
        let text = Self.texts.map { #"{"id": "\#($0.count)", "text": "\#($0)"}"# }.joined(separator: "\n") + "\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/train.jsonl"))
        var options = TrainingOptions()
        options.sequenceLength = 32
        options.batchSize = 2
        options.maxSteps = 4
        options.saveEvery = 2
        options.lora = LoRAOptions(rank: 4)
        func job(_ run: String, resume: Bool) throws -> Trainer {
            let request = TrainingRequest(modelName: "smollm2", modelPath: InstalledSmolLM2.path, data: [folder + "/train.jsonl"],
                                          tokenizerFolder: tokenizer, runDirectory: folder + "/" + run, options: options)
            return try TrainingJob.prepare(request, resume: resume, loadBase: { _ in base })
        }
        let straight = try job("straight", resume: false)
        _ = try straight.run(resume: false)
        struct Killed: Error {}
        for (run, killAt) in [("late", 3), ("early", 1)] {
            #expect(throws: Killed.self) { try job(run, resume: false).run(resume: false) { if $0.step == killAt { throw Killed() } } }
            let resumed = try job(run, resume: true)
            _ = try resumed.run(resume: true)
            #expect(straight.model.trainableNames == resumed.model.trainableNames)
            for (a, b) in zip(straight.model.trainable, resumed.model.trainable) { #expect(try a.asFloats() == b.asFloats(), "\(run)") }
        }
    }
}
