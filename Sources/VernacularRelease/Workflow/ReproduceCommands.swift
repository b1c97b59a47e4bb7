import Foundation
import VernacularTrain

/// The `vern` command lines that redo a run, rebuilt from what the run recorded.
public enum ReproduceCommands {
    /// The script's own folder, for files the workflow release carries (`"$here"/training/...`).
    public static let releaseFolder = "$here"

    /// `vern train` with every setting run.json holds, spelt out so a changed default cannot
    /// change the run. `tokenizer`: where the extended tokenizer is (the workflow release carries a copy).
    public static func train(_ manifest: VernacularTrain.RunManifest, tokenizer: String, output: String) -> [String] {
        let o = manifest.options
        var arguments = ["vern", "train", "--model", manifest.baseModel, "--data"] + manifest.data + ["--output", output]
        arguments += ["--mode", o.mode.rawValue]
        if manifest.extendedTokenizer { arguments += ["--tokenizer", tokenizer] }
        arguments += ["--seq-len", String(o.sequenceLength), "--batch-size", String(o.batchSize), "--grad-accum", String(o.gradientAccumulation),
                      "--lr", "\(o.learningRate)", "--min-lr-ratio", "\(o.minimumLearningRateRatio)"]
        if let warmup = o.warmupSteps { arguments += ["--warmup-steps", String(warmup)] }
        if let steps = o.maxSteps { arguments += ["--max-steps", String(steps)] }
        if let minutes = o.maxMinutes { arguments += ["--max-minutes", "\(minutes)"] }
        arguments += ["--weight-decay", "\(o.weightDecay)", "--grad-clip", "\(o.gradientClip)", "--seed", String(o.seed)]
        if let lora = o.lora {
            arguments += ["--lora-rank", String(lora.rank), "--lora-alpha", "\(lora.alpha)", "--lora-dropout", "\(lora.dropout)",
                          "--lora-targets", lora.targets.joined(separator: ",")]
        } else {
            arguments.append("--full")
        }
        arguments.append(o.trainEmbeddings ? "--train-embeddings" : "--no-train-embeddings")
        if !manifest.evalData.isEmpty { arguments += ["--eval-data"] + manifest.evalData }
        arguments += ["--eval-every", String(o.evalEvery), "--save-every", String(o.saveEvery)]
        if !manifest.replay.isEmpty { arguments += ["--replay"] + manifest.replay + ["--replay-ratio", "\(o.replayRatio)"] }
        return arguments
    }

    /// One shell line, each argument quoted when the shell would split or expand it.
    /// A leading `$here/` stays unquoted so the shell expands it.
    public static func shellLine(_ arguments: [String]) -> String {
        arguments.map { argument in
            if argument.hasPrefix(releaseFolder + "/") {
                return "\"\(releaseFolder)\"" + shellLine([String(argument.dropFirst(releaseFolder.count))])
            }
            return argument.allSatisfy({ $0.isLetter || $0.isNumber || "-_./=,:+@".contains($0) }) && !argument.isEmpty
                ? argument : "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }.joined(separator: " ")
    }
}
