import ArgumentParser
import Foundation
import VernacularEngine
import VernacularModels
import VernacularTrain

/// `--model`: a GGUF file, a Hugging Face folder, or the name of a model the bootstrap installed.
struct ModelOptions: ParsableArguments {
    @Option(name: .shortAndLong,
            help: ArgumentHelp("Model: a .gguf file, a Hugging Face folder, a `vern train` RUN_DIR, or 'smollm2' / 'gemma3' (installed by make).",
                               valueName: "model"))
    var model = "smollm2"

    @Flag(help: "Decode with the float32 weights instead of our 8-bit kernel (slower, bit-exact with prompts).")
    var float32Decode = false

    static let installed = ["smollm2": "SmolLM2-135M-Instruct.Q4_1.gguf", "gemma3": "gemma-3-270m-q4_k_m.gguf"]

    /// The path `--model` names. Installed models are looked for in $VERNACULAR_MODELS, then in
    /// vendor/models of the checkout the executable was built in, then of the current folder.
    func resolvedPath() throws -> String { try Self.resolve(model) }

    /// A path that exists, or the installed file of a model name.
    static func resolve(_ model: String) throws -> String {
        if FileManager.default.fileExists(atPath: model) { return model }
        guard let file = installed[model.lowercased()] else {
            throw ValidationError("no model at '\(model)' (give a .gguf file, a folder, or one of: \(installed.keys.sorted().joined(separator: ", ")))")
        }
        var folders: [String] = []
        if let custom = ProcessInfo.processInfo.environment["VERNACULAR_MODELS"] { folders.append(custom) }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            folders.append(directory.appendingPathComponent("vendor/models").path)
            directory = directory.deletingLastPathComponent()
        }
        folders.append(FileManager.default.currentDirectoryPath + "/vendor/models")
        for folder in folders where FileManager.default.fileExists(atPath: folder + "/" + file) {
            return folder + "/" + file
        }
        throw ValidationError("model '\(model)' is not installed: run 'make bootstrap' (looked in \(folders.joined(separator: ", ")))")
    }

    /// Loads the model; `forDecoding` false skips the 8-bit copies that only generation uses.
    func load(forDecoding: Bool = true, roundActivationsLikeLlamaCpp: Bool = false) throws -> LoadedModel {
        let path = try resolvedPath()
        EngineProcess.prepare()
        let start = Date()
        let options = ModelLoadOptions(quantizeForDecoding: forDecoding && !float32Decode,
                                       roundActivationsLikeLlamaCpp: roundActivationsLikeLlamaCpp)
        let loaded = RunManifest.isRunDirectory(path)
            ? try TrainedRun.load(path, options: options) { try ModelLoader.load(path: $0, options: ModelLoadOptions(quantizeForDecoding: false)) }
            : try ModelLoader.load(path: path, options: options)
        FileHandle.standardError.write(Data(String(format: "loaded %@ (%@) in %.1f s\n", loaded.name,
                                                   loaded.architecture, Date().timeIntervalSince(start)).utf8))
        return loaded
    }
}

/// Sampling flags shared by generate, chat and serve.
struct SamplingOptions: ParsableArguments {
    @Option(help: "Sampling temperature; 0 is greedy.") var temperature: Float = 0.8
    @Option(help: "Keep the k most likely tokens (0: all).") var topK = 40
    @Option(help: "Nucleus sampling mass (1: off).") var topP: Float = 0.95
    @Option(help: "Drop tokens below min-p times the best (0: off).") var minP: Float = 0.05
    @Option(help: "Penalty for recently used tokens (1: off).") var repeatPenalty: Float = 1.1
    @Option(help: "Random seed.") var seed: UInt64 = 0
    @Option(help: "Most tokens to generate.") var maxTokens = 128
    @Option(help: "Stop when this text appears (repeatable).") var stop: [String] = []

    var parameters: GenerationParameters {
        GenerationParameters(
            maxTokens: maxTokens,
            sampling: SamplingParameters(temperature: temperature, topK: topK, topP: topP, minP: minP,
                                         repetitionPenalty: repeatPenalty, seed: seed),
            stopSequences: stop)
    }
}
