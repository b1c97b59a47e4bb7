import ArgumentParser
import Foundation
import VernacularEngine
import VernacularModels
import VernacularTrain

extension Vern {
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a trained RUN_DIR as a Hugging Face folder (adapters merged into the weights).",
            discussion: """
                --format hf writes config.json, model.safetensors (float32), tokenizer.json, \
                tokenizer_config.json and generation_config.json, which transformers and mlx-lm load; \
                GGUF-derived Q and K weights are written back in Hugging Face's RoPE layout.
                """)

        @Argument(help: "A `vern train` run folder.") var runDirectory: String
        @Option(help: "hf (Hugging Face folder).") var format = "hf"
        @Option(name: .shortAndLong, help: "Folder to write.") var output: String

        func validate() throws {
            guard format == "hf" else {
                throw ValidationError("--format \(format) is not supported yet: use hf (GGUF export is not built)")
            }
        }

        func run() throws {
            EngineProcess.prepare()
            let (parts, _) = try TrainedRun.open(runDirectory) {
                try ModelLoader.load(path: $0, options: ModelLoadOptions(quantizeForDecoding: false))
            }
            let tokenizerJSON = try parts.extended?.tokenizerJSON ?? TrainedRun.baseTokenizerJSON(parts.base)
            try HuggingFaceExport.write(weights: parts.model.mergedWeights(), recipe: parts.model.recipe, tokenizer: parts.tokenizer,
                                        tokenizerJSON: tokenizerJSON, chatTemplate: parts.chatTemplate, to: output)
            print("wrote \(output)")
        }
    }
}
