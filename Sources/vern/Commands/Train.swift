import ArgumentParser
import Foundation
import VernacularCore
import VernacularEngine
import VernacularModels
import VernacularTrain

extension EmbeddingRows: ExpressibleByArgument {}

extension Vern {
    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train a model on our engine: continued pretraining or SFT, LoRA or full, resumable.",
            discussion: """
                --mode pretrain (default) reads document shards (JSON Lines, .gz, .zst, folders), plain \
                text files (paragraphs as documents) or `vern pack` folders, packs them into rows of \
                --seq-len tokens with the end-of-document token between documents, and trains on every \
                token. --mode sft reads chat records {"messages": [{"role", "content"}...]}, renders them \
                in the model's chat format and trains on the assistant turns only. \
                LoRA (rank 16, alpha 32) on every attention and MLP projection is the default; --full \
                trains every weight. With --tokenizer (a `vern tokenizer extend` folder) the embedding \
                grows to the new vocabulary, each new row the mean of its base pieces' rows, and the \
                embeddings are trained. Checkpoints (every --save-every steps and at the end) are atomic; \
                `vern train --resume RUN_DIR` continues from the newest one and reaches the same weights \
                as an uninterrupted run. RUN_DIR/metrics.jsonl has one line per step.
                """)

        @Option(help: ArgumentHelp("Base model: 'smollm2', 'gemma3', a .gguf file, a Hugging Face folder, or a RUN_DIR.", valueName: "model"))
        var model: String?

        @Option(name: .long, parsing: .upToNextOption, help: "Training data: shards, folders, globs, text files or a `vern pack` folder.")
        var data: [String] = []

        @Option(name: .shortAndLong, help: "Run folder (checkpoints, metrics.jsonl, run.json).")
        var output: String?

        @Option(help: ArgumentHelp("Continue the run in this folder from its newest checkpoint.", valueName: "RUN_DIR"))
        var resume: String?

        @Option(help: "pretrain (documents) or sft (chat records).")
        var mode: TrainingMode = .pretrain

        @Option(help: "A `vern tokenizer extend` folder: grow the vocabulary to it.")
        var tokenizer: String?

        @Option(help: "Tokens per training row.") var seqLen = 512
        @Option(help: "Rows per micro-batch.") var batchSize = 4
        @Option(help: "Micro-batches per optimizer step.") var gradAccum = 1
        @Option(help: "Peak learning rate (after warm-up); default 1e-3 with LoRA, 5e-5 with --full.") var lr: Float?
        @Option(help: "The cosine ends at this share of the peak rate.") var minLrRatio: Float = 0.1
        @Option(help: "Warm-up steps (default: 5% of the run).") var warmupSteps: Int?
        @Option(help: "Optimizer steps to run (default: one pass over the data).") var maxSteps: Int?
        @Option(help: "Stop after this many minutes (the schedule is sized from the first step's time).") var maxMinutes: Double?
        @Option(help: "AdamW's decoupled weight decay (matrices only).") var weightDecay: Float = 0.01
        @Option(help: "Clip the global gradient norm to this (0: off).") var gradClip: Float = 1.0
        @Option(help: "Seed of the data order, LoRA initialisation and dropout.") var seed: UInt64 = 0

        @Option(help: "LoRA rank.") var loraRank = 16
        @Option(help: "LoRA alpha (scale = alpha / rank; default 2 × rank).") var loraAlpha: Float?
        @Option(help: "Dropout on the LoRA input.") var loraDropout: Float = 0
        @Option(help: "Comma-separated projections to adapt (default: q,k,v,o,gate,up,down).") var loraTargets: String?
        @Flag(help: "Train every weight instead of LoRA adapters.") var full = false
        @Flag(inversion: .prefixedNo, help: "Train the embeddings and output head fully (default: on with --tokenizer).")
        var trainEmbeddings: Bool?
        @Option(help: ArgumentHelp("Which embedding rows train with --tokenizer: new (only the added tokens'; the base rows, and so English, stay as they were; a tied output head gets rows of its own) or all.", valueName: "rows"))
        var embeddingRows: EmbeddingRows = .new
        @Option(help: "Peak learning rate of the new embedding and output rows (default: --lr).") var embeddingLr: Float?

        @Option(parsing: .upToNextOption, help: "Held-out text for validation loss and bits per character.")
        var evalData: [String] = []
        @Option(help: "Evaluate every N steps (and at the end).") var evalEvery = 50
        @Option(help: "Checkpoint every N steps (and at the end).") var saveEvery = 50
        @Option(parsing: .upToNextOption, help: "Other-language text mixed into every batch against forgetting.")
        var replay: [String] = []
        @Option(help: "Share of each batch's rows drawn from --replay.") var replayRatio: Float = 0

        @Flag(help: "No progress line.") var quiet = false
        @Flag(help: "Print the summary as JSON.") var json = false

        func validate() throws {
            if resume == nil {
                if model == nil { throw ValidationError("give --model (or --resume RUN_DIR)") }
                if data.isEmpty { throw ValidationError("give --data") }
                if output == nil { throw ValidationError("give --output RUN_DIR") }
            }
            if !replay.isEmpty && replayRatio == 0 { throw ValidationError("--replay needs --replay-ratio") }
        }

        var options: TrainingOptions {
            var options = TrainingOptions()
            options.mode = mode
            options.sequenceLength = seqLen
            options.batchSize = batchSize
            options.gradientAccumulation = gradAccum
            options.learningRate = lr ?? (full ? TrainingOptions.fullFineTuningLearningRate : TrainingOptions.adapterLearningRate)
            options.minimumLearningRateRatio = minLrRatio
            options.warmupSteps = warmupSteps
            options.maxSteps = maxSteps
            options.maxMinutes = maxMinutes
            options.weightDecay = weightDecay
            options.gradientClip = gradClip
            options.seed = seed
            let targets = loraTargets.map { $0.split(separator: ",").map { Self.projectionName(String($0)) } }
            options.lora = full ? nil : LoRAOptions(rank: loraRank, alpha: loraAlpha, dropout: loraDropout,
                                                    targets: targets ?? LoRAOptions.allProjections)
            options.trainEmbeddings = trainEmbeddings ?? false
            options.trainEmbeddingsSetExplicitly = trainEmbeddings != nil
            options.embeddingRows = embeddingRows
            options.embeddingLearningRate = embeddingLr
            options.evalEvery = evalEvery
            options.saveEvery = saveEvery
            options.replayRatio = replayRatio
            return options
        }

        /// `q` or `q_proj` -> `self_attn.q_proj`; full names pass through.
        static func projectionName(_ short: String) -> String {
            let name = short.trimmingCharacters(in: .whitespaces)
            if name.contains(".") { return name }
            let base = name.hasSuffix("_proj") ? String(name.dropLast(5)) : name
            return ["q", "k", "v", "o"].contains(base) ? "self_attn.\(base)_proj" : "mlp.\(base)_proj"
        }

        func run() throws {
            EngineProcess.prepare()
            let request: TrainingRequest
            if let resume, model == nil {
                request = try TrainingJob.request(resuming: resume, maxSteps: maxSteps, maxMinutes: maxMinutes)
            } else {
                let name = model ?? "smollm2"
                request = TrainingRequest(modelName: name, modelPath: try ModelOptions.resolve(name), data: data,
                                          replay: replay, evalData: evalData, tokenizerFolder: tokenizer,
                                          runDirectory: resume ?? output!, options: options)
            }
            let say: (String) -> Void = { message in if !quiet { FileHandle.standardError.write(Data("\(message)\n".utf8)) } }
            let trainer = try TrainingJob.prepare(request, resume: resume != nil,
                                                  loadBase: { try ModelLoader.load(path: $0, options: ModelLoadOptions(quantizeForDecoding: false)) },
                                                  report: say)
            let live = ProgressLine(enabled: !quiet)
            let summary = try trainer.run(resume: resume != nil) { progress in
                let m = progress.metrics
                var line = String(format: "step %d/%d  loss %.4f  lr %.2e  %.0f tok/s", progress.step, progress.totalSteps,
                                  m.loss, m.learningRate, m.tokensPerSecond)
                if let bits = m.evalBitsPerChar { line += String(format: "  eval %.3f bits/char", bits) }
                if let left = progress.secondsLeft { line += "  ETA " + TrainSummaryText.duration(left) }
                live.update(line)
            }
            live.finish()
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(summary), as: UTF8.self))
            } else {
                print(TrainSummaryText.render(summary, runDirectory: trainer.runDirectory))
            }
        }
    }
}

/// The one-line progress display on stderr (carriage return, rewritten each step).
final class ProgressLine {
    let enabled: Bool
    private var width = 0
    init(enabled: Bool) { self.enabled = enabled }

    func update(_ text: String) {
        guard enabled else { return }
        let padded = text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0)
        width = text.count
        FileHandle.standardError.write(Data("\r\(padded)".utf8))
    }

    func finish() { if enabled && width > 0 { FileHandle.standardError.write(Data("\n".utf8)) } }
}

enum TrainSummaryText {
    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return total >= 3600 ? String(format: "%dh%02dm", total / 3600, total % 3600 / 60)
            : String(format: "%dm%02ds", total / 60, total % 60)
    }

    static func render(_ s: TrainingSummary, runDirectory: String) -> String {
        var lines = ["trained \(s.steps) steps\(s.resumedFrom.map { " (resumed at step \($0))" } ?? ""), \(s.tokensSeen) tokens, "
            + "\(s.trainableParameters) trainable parameters, peak memory \(Int(s.peakResidentMB)) MiB"]
        if let loss = s.finalLoss { lines.append(String(format: "final training loss %.4f", loss)) }
        if let before = s.evalBefore, let after = s.evalAfter {
            lines.append(String(format: "held-out bits/char %.3f -> %.3f (%+.1f%%)", before.bitsPerChar, after.bitsPerChar,
                                100 * (after.bitsPerChar / before.bitsPerChar - 1)))
        } else if let after = s.evalAfter {
            lines.append(String(format: "held-out bits/char %.3f", after.bitsPerChar))
        }
        lines.append("run folder: \(runDirectory)")
        return lines.joined(separator: "\n")
    }
}

extension TrainingMode: ExpressibleByArgument {}
