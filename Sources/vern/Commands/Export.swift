import ArgumentParser
import Foundation
import VernacularEngine
import VernacularModels
import VernacularTrain
import VernacularWeights

extension Vern {
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a trained RUN_DIR as a Hugging Face folder or a GGUF file (adapters merged into the weights).",
            discussion: """
                --format hf writes config.json, model.safetensors (float32), tokenizer.json, \
                tokenizer_config.json and generation_config.json, which transformers and mlx-lm load; \
                GGUF-derived Q and K weights are written back in Hugging Face's RoPE layout. \
                --format gguf (for a GGUF base model) writes one file with --type f32, f16 or q8_0 \
                (norms stay f32), the base's metadata and tokenizer carried over with any new tokens \
                appended; --output names the file, or a folder to hold model.gguf.
                """)

        @Argument(help: "A `vern train` run folder.") var runDirectory: String
        @Option(help: "hf (Hugging Face folder) or gguf (one file).") var format = "hf"
        @Option(help: "GGUF tensor type: f32, f16 or q8_0.") var type = "f16"
        @Option(name: .shortAndLong, help: "Folder (or .gguf file) to write.") var output: String

        static let ggufTypes: [String: GGMLType] = ["f32": .f32, "f16": .f16, "q8_0": .q8_0]

        func validate() throws {
            guard ["hf", "gguf"].contains(format) else { throw ValidationError("--format must be hf or gguf, not \(format)") }
            guard Self.ggufTypes[type.lowercased()] != nil else { throw ValidationError("--type must be f32, f16 or q8_0, not \(type)") }
        }

        func run() throws {
            EngineProcess.prepare()
            let (parts, _) = try TrainedRun.open(runDirectory) {
                try ModelLoader.load(path: $0, options: ModelLoadOptions(quantizeForDecoding: false))
            }
            if format == "gguf" {
                var path = output
                if !path.hasSuffix(".gguf") {
                    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
                    path += "/model.gguf"
                }
                try GGUFExport.write(weights: parts.model.mergedWeights(), base: parts.base, extended: parts.extended,
                                     vocabularySize: parts.model.recipe.vocabularySize, type: Self.ggufTypes[type.lowercased()]!, to: path)
                print("wrote \(path)")
                return
            }
            let tokenizerJSON = try parts.extended?.tokenizerJSON ?? TrainedRun.baseTokenizerJSON(parts.base)
            try HuggingFaceExport.write(weights: parts.model.mergedWeights(), recipe: parts.model.recipe, tokenizer: parts.tokenizer,
                                        tokenizerJSON: tokenizerJSON, chatTemplate: parts.chatTemplate, to: output)
            print("wrote \(output)")
        }
    }
}
