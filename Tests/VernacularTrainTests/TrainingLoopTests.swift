import Foundation
import Testing
import VernacularEngine
import VernacularModels
@testable import VernacularTrain

@Suite(.serialized) struct TrainingLoopTests {
    func options(steps: Int, lora: Bool = true) -> TrainingOptions {
        var options = TrainingOptions()
        options.sequenceLength = 16
        options.batchSize = 2
        options.gradientAccumulation = 2
        options.maxSteps = steps
        options.learningRate = lora ? 1e-2 : 3e-3
        options.warmupSteps = 2
        options.saveEvery = 3
        options.lora = lora ? LoRAOptions(rank: 4, dropout: 0.1) : nil
        return options
    }

    func trainer(_ folder: String, _ options: TrainingOptions, data: TrainingSet) throws -> Trainer {
        let model = try TrainableModel(recipe: TinyModel.recipe, parameters: TinyModel.parameters(), options: options)
        let evaluator = HeldOutEvaluator(set: data, chars: data.examples.count * 15, batchSize: 2)
        return try Trainer(runDirectory: folder, manifest: TinyModel.manifest(options, data: data), model: model, data: data,
                           replay: nil, evaluator: evaluator, padding: 0)
    }

    @Test(arguments: [true, false]) func lossFalls(lora: Bool) throws {
        let folder = try TinyModel.scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let data = TinyModel.patternSet(rows: 8, length: 16)
        let summary = try trainer(folder, options(steps: 12, lora: lora), data: data).run(resume: false)
        let metrics = try MetricsLog.read(path: folder + "/metrics.jsonl")
        #expect(metrics.count == 12)
        let first = try #require(metrics.first?.loss), last = try #require(metrics.last?.loss)
        #expect(last < first * 0.8, "loss \(first) -> \(last)")
        let before = try #require(summary.evalBefore), after = try #require(summary.evalAfter)
        #expect(after.loss < before.loss)
    }

    /// A run stopped after its step-3 checkpoint and resumed ends with the same bits as one that
    /// ran straight through (LoRA dropout on, gradient accumulation on).
    @Test func resumeIsBitIdentical() throws {
        let data = TinyModel.patternSet(rows: 8, length: 16)
        let straight = try TinyModel.scratchFolder(), interrupted = try TinyModel.scratchFolder()
        defer {
            try? FileManager.default.removeItem(atPath: straight)
            try? FileManager.default.removeItem(atPath: interrupted)
        }
        let reference = try trainer(straight, options(steps: 7), data: data)
        _ = try reference.run(resume: false)

        // The run dies during step 6, after step 3's checkpoint: steps 4 and 5 are lost.
        struct Killed: Error {}
        #expect(throws: Killed.self) {
            try trainer(interrupted, options(steps: 7), data: data).run(resume: false) { if $0.step == 5 { throw Killed() } }
        }
        let resumed = try trainer(interrupted, options(steps: 7), data: data)
        let summary = try resumed.run(resume: true)
        #expect(summary.resumedFrom == 3)
        for (a, b) in zip(reference.model.trainable, resumed.model.trainable) {
            #expect(try a.asFloats() == b.asFloats())
        }
        let lossesA = try MetricsLog.read(path: straight + "/metrics.jsonl").map(\.loss)
        let lossesB = try MetricsLog.read(path: interrupted + "/metrics.jsonl").map(\.loss)
        #expect(lossesA == lossesB)
    }

    @Test func emptyDataIsRefusedBeforeTraining() throws {
        let folder = try TinyModel.scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let empty = TrainingSet(examples: [])
        #expect(throws: TrainingError.self) { try trainer(folder, options(steps: 2), data: empty) }
    }

    @Test func sequenceLongerThanContextIsRefused() throws {
        let folder = try TinyModel.scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var long = options(steps: 2)
        long.sequenceLength = 512
        let error = #expect(throws: TrainingError.self) {
            try trainer(folder, long, data: TinyModel.patternSet(rows: 2, length: 512))
        }
        #expect("\(error!)".contains("context of 256"))
    }
}
