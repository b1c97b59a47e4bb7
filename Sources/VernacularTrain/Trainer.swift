import Foundation
import VernacularCore
import VernacularEngine
import VernacularModels
import VernacularTokenizer

/// What the training loop reports after each step.
public struct TrainingProgress: Sendable {
    public let step: Int
    public let totalSteps: Int
    public let metrics: StepMetrics
    public let secondsLeft: Double?
}

/// What a finished (or budget-stopped) run did.
public struct TrainingSummary: Sendable, Codable {
    public var steps: Int
    public var resumedFrom: Int?
    public var tokensSeen: Int
    public var finalLoss: Double?
    public var evalBefore: HeldOutResult?
    public var evalAfter: HeldOutResult?
    public var trainableParameters: Int
    public var peakResidentMB: Double
    public var checkpoint: String?

    enum CodingKeys: String, CodingKey {
        case steps, checkpoint
        case resumedFrom = "resumed_from", tokensSeen = "tokens", finalLoss = "final_loss"
        case evalBefore = "eval_before", evalAfter = "eval_after", trainableParameters = "trainable_parameters"
        case peakResidentMB = "peak_rss_mb"
    }
}

/// The training loop: micro-batches through `valueAndGrad`, gradients summed over
/// accumulation steps and normalised by trained tokens, clipped, AdamW with warm-up and cosine
/// decay, held-out evaluation, checkpoints and metrics. Every random choice derives from the
/// seed and the step, so a resumed run repeats an uninterrupted one bit for bit.
public final class Trainer {
    public let runDirectory: String
    public let manifest: RunManifest
    let model: TrainableModel
    let data: TrainingSet
    let replay: TrainingSet?
    let evaluator: HeldOutEvaluator?
    let padding: Int32

    /// `padding`: the token that fills short rows (its targets weigh nothing).
    public init(runDirectory: String, manifest: RunManifest, model: TrainableModel, data: TrainingSet,
                replay: TrainingSet?, evaluator: HeldOutEvaluator?, padding: Int32) throws {
        let options = manifest.options
        try options.validate()
        guard !data.examples.isEmpty else {
            throw TrainingError.data("no training rows: \(manifest.data.joined(separator: ", ")) hold fewer than "
                + "\(options.sequenceLength + 1) tokens (or no chat records); give more data or a smaller --seq-len")
        }
        if options.replayRatio > 0 && options.batchSize < 2 {
            throw TrainingError.invalidOption("--replay-ratio mixes replay rows into every batch: it needs --batch-size 2 or more")
        }
        if options.replayRatio > 0, replay?.examples.isEmpty ?? true {
            throw TrainingError.data("--replay-ratio \(options.replayRatio) needs --replay data with at least one row")
        }
        guard options.sequenceLength <= model.recipe.contextLength else {
            throw TrainingError.invalidOption("--seq-len \(options.sequenceLength) is over the model's context of \(model.recipe.contextLength) tokens")
        }
        self.runDirectory = runDirectory
        self.manifest = manifest
        self.model = model
        self.data = data
        self.replay = replay
        self.evaluator = evaluator
        self.padding = padding
    }

    var options: TrainingOptions { manifest.options }

    /// Rows per micro-batch from the replay data, the rest from the training data.
    var replayRowsPerBatch: Int {
        guard options.replayRatio > 0 else { return 0 }
        return min(max(Int((Float(options.batchSize) * options.replayRatio).rounded()), 1), options.batchSize - 1)
    }

    /// Trains from the newest checkpoint when `resume` (and there is one), else from the start.
    public func run(resume: Bool, progress: (TrainingProgress) throws -> Void = { _ in }) throws -> TrainingSummary {
        try FileSystem.makeDirectory(runDirectory)
        try AtomicJSONFile.write(manifest, to: runDirectory + "/" + RunManifest.fileName)
        var optimizer = try AdamW(parameters: model.trainable, beta1: options.beta1, beta2: options.beta2,
                                  epsilon: options.epsilon, weightDecay: options.weightDecay)
        var state: TrainingState?
        if resume, let checkpoint = try Checkpoint.latest(runDirectory) {
            let shapes = model.trainable.map(\.shape)
            model.trainable = try Checkpoint.loadTrainable(checkpoint, names: model.trainableNames, shapes: shapes)
            try Checkpoint.loadOptimizer(checkpoint, names: model.trainableNames, shapes: shapes, into: &optimizer)
            state = try Checkpoint.loadState(checkpoint)
            optimizer.updates = state!.optimizerUpdates
        }
        let resumedFrom = state?.step
        let metricsLog = try MetricsLog(runDirectory: runDirectory, keepingThrough: state?.step ?? 0)
        var summary = TrainingSummary(steps: state?.step ?? 0, resumedFrom: resumedFrom, tokensSeen: state?.tokensSeen ?? 0,
                                      trainableParameters: model.trainableParameterCount, peakResidentMB: 0)
        if let evaluator, state == nil {
            summary.evalBefore = try evaluator.evaluate(model.network(model.trainable, dropoutSeed: nil))
        }

        let plan = BatchPlan(rowCount: data.examples.count, seed: options.seed)
        let replayPlan = replay.map { BatchPlan(rowCount: $0.examples.count, seed: options.seed ^ 0xA5A5_A5A5) }
        let replayRows = replayRowsPerBatch
        let mainRows = options.batchSize - replayRows
        let clock = ContinuousClock()
        let startedAt = clock.now
        let elapsedBefore = state?.elapsedSeconds ?? 0
        func elapsed() -> Double {
            let duration = clock.now - startedAt
            return elapsedBefore + Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }
        let budget = options.maxMinutes.map { $0 * 60 }
        var current = state ?? TrainingState(
            step: 0, optimizerUpdates: 0, tokensSeen: 0, elapsedSeconds: 0,
            schedule: schedule(totalSteps: options.maxSteps ?? 0), dataPosition: 0, replayPosition: 0, seed: options.seed)
        var lastSaved = state?.step
        var elapsedAfterFirstStep: Double?

        while current.step < (options.maxSteps ?? Int.max) {
            if let budget, elapsed() >= budget { break }
            let stepStart = clock.now
            let step = current.step + 1
            var accumulated: [MLXArray]?
            var lossSum = 0.0
            var trainedTokens = 0
            for micro in 0..<options.gradientAccumulation {
                var examples = plan.rows(from: current.dataPosition + micro * mainRows, count: mainRows).map { data.examples[$0] }
                if let replay, let replayPlan, replayRows > 0 {
                    examples += replayPlan.rows(from: current.replayPosition + micro * replayRows, count: replayRows)
                        .map { replay.examples[$0] }
                }
                let batch = MicroBatch(examples, padding: padding)
                let (loss, gradients) = try lossAndGradients(batch, dropoutSeed: dropoutSeed(step: step, micro: micro))
                accumulated = try accumulated.map { try zip($0, gradients).map { try $0 + $1 } } ?? gradients
                try eval(accumulated! + [loss])
                lossSum += Double(try loss.item())
                trainedTokens += batch.trainedTargets
            }
            guard var gradients = accumulated, trainedTokens > 0 else {
                throw TrainingError.data("step \(step) has no trained tokens (every target masked)")
            }
            let normalisation = 1 / Float(trainedTokens)
            gradients = try gradients.map { try $0 * normalisation }
            let norm = try sqrt(gradients.map { try sum(square($0)) }.reduce(MLXArray(0)) { try $0 + $1 }).item()
            if options.gradientClip > 0 && norm > options.gradientClip {
                let factor = options.gradientClip / (norm + 1e-6)
                gradients = try gradients.map { try $0 * factor }
            }
            if options.maxSteps == nil, let budget {
                // A time budget alone sets the schedule's length, saved with the run so a resume
                // keeps it: first from the first step's time, then, at step 3, from steps 2 and 3
                // (the first step also pays for building the graph and touching fresh memory).
                if current.step == 0 {
                    let seconds = max(elapsed() - elapsedBefore, 1e-3)
                    current.schedule = schedule(totalSteps: max(Int(budget / seconds), 1))
                    elapsedAfterFirstStep = elapsed()
                } else if step == 3, let afterFirst = elapsedAfterFirstStep {
                    let now = elapsed()
                    let steady = max((now - afterFirst) / 2, 1e-3)
                    current.schedule = schedule(totalSteps: 3 + max(Int((budget - now) / steady), 0))
                }
            }
            let rate = current.schedule.rate(at: step)
            model.trainable = try optimizer.step(parameters: model.trainable, gradients: gradients, learningRate: rate,
                                                 scales: learningRateScales)
            try eval(model.trainable + optimizer.firstMoments + optimizer.secondMoments)

            current.step = step
            current.optimizerUpdates = optimizer.updates
            current.tokensSeen += trainedTokens
            current.dataPosition += mainRows * options.gradientAccumulation
            current.replayPosition += replayRows * options.gradientAccumulation
            current.elapsedSeconds = elapsed()
            let stepDuration = clock.now - stepStart
            let stepSeconds = Double(stepDuration.components.seconds) + Double(stepDuration.components.attoseconds) / 1e18
            var metrics = StepMetrics(step: step, loss: lossSum / Double(trainedTokens), learningRate: rate, gradientNorm: norm,
                                      tokensPerSecond: Double(batchTokens(trainedTokens)) / max(stepSeconds, 1e-9),
                                      tokensSeen: current.tokensSeen, elapsedSeconds: current.elapsedSeconds,
                                      peakResidentMB: peakResidentMegabytes())
            let finishing = step == (options.maxSteps ?? Int.max) || (budget.map { elapsed() >= $0 } ?? false)
            if let evaluator, step % options.evalEvery == 0 || finishing {
                let result = try evaluator.evaluate(model.network(model.trainable, dropoutSeed: nil))
                metrics.evalLoss = result.loss
                metrics.evalBitsPerChar = result.bitsPerChar
                summary.evalAfter = result
            }
            try metricsLog.append(metrics)
            if step % options.saveEvery == 0 || finishing {
                try save(current, optimizer)
                lastSaved = step
            }
            summary.finalLoss = metrics.loss
            // A time budget that outlasts the estimate runs past the schedule's last step (at the
            // final learning rate): the step count shown never trails the step.
            let total = max(options.maxSteps ?? current.schedule.totalSteps, step)
            let left = Double(max(total - step, 0)) * (current.elapsedSeconds - elapsedBefore) / Double(step - (resumedFrom ?? 0))
            try progress(TrainingProgress(step: step, totalSteps: total, metrics: metrics,
                                      secondsLeft: budget.map { min(left, max($0 - elapsed(), 0)) } ?? left))
        }
        if lastSaved != current.step, current.step > 0 { try save(current, optimizer) }
        if let evaluator, summary.evalAfter == nil, current.step > 0 {
            summary.evalAfter = try evaluator.evaluate(model.network(model.trainable, dropoutSeed: nil))
        }
        summary.steps = current.step
        summary.tokensSeen = current.tokensSeen
        summary.peakResidentMB = peakResidentMegabytes()
        summary.checkpoint = try Checkpoint.latest(runDirectory)
        return summary
    }

    /// The new embedding and output rows train at `embeddingLearningRate` (their own peak, on
    /// the same schedule); everything else at `learningRate`.
    var learningRateScales: [Float]? {
        guard let embedding = options.embeddingLearningRate else { return nil }
        let scale = embedding / options.learningRate
        return model.trainableNames.map { $0.hasSuffix(TrainableModel.newRowsSuffix) ? scale : 1 }
    }

    /// Tokens processed this step (all positions, trained or not) for the speed figure.
    func batchTokens(_ trained: Int) -> Int { options.mode == .pretrain ? options.sequencesPerStep * options.sequenceLength : trained }

    func schedule(totalSteps: Int) -> LearningRateSchedule {
        let warmup = options.warmupSteps ?? max(totalSteps / 20, 1)
        return LearningRateSchedule(peak: options.learningRate, minimum: options.learningRate * options.minimumLearningRateRatio,
                                    warmupSteps: warmup, totalSteps: max(totalSteps, warmup + 1))
    }

    func dropoutSeed(step: Int, micro: Int) -> UInt64? {
        guard let lora = options.lora, lora.dropout > 0 else { return nil }
        var mixer = SplitMix64(seed: options.seed ^ (UInt64(step) << 20) ^ UInt64(micro))
        return mixer.next()
    }

    func save(_ state: TrainingState, _ optimizer: AdamW) throws {
        try Checkpoint.save(runDirectory: runDirectory, state: state, names: model.trainableNames, values: model.trainable,
                            optimizer: optimizer)
    }

    /// Σ loss over the batch's trained targets and its gradients with respect to every trained array.
    func lossAndGradients(_ batch: MicroBatch, dropoutSeed: UInt64?) throws -> (MLXArray, [MLXArray]) {
        let inputs = try MLXArray(ints: batch.inputs, [batch.rows, batch.length])
        let targets = try MLXArray(ints: batch.targets, [batch.rows, batch.length])
        let weights = try MLXArray(batch.weights, [batch.rows, batch.length])
        let model = self.model
        let result = try valueAndGrad(model.trainable, argnums: Array(model.trainable.indices)) { values in
            let network = try model.network(values, dropoutSeed: dropoutSeed)
            let losses = try crossEntropy(logits: network(inputs, cache: nil), targets: targets)
            return [try sum(losses * weights)]
        }
        return (result.values[0], result.gradients)
    }
}
