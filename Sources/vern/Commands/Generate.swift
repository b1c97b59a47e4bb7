import ArgumentParser
import Foundation
import VernacularModels

extension Vern {
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate text from a prompt, streaming it as it is produced.")

        @OptionGroup var model: ModelOptions
        @OptionGroup var sampling: SamplingOptions

        @Option(name: .shortAndLong, help: "The prompt.")
        var prompt: String?

        @Option(help: "Read the prompt from this file instead.")
        var promptFile: String?

        @Option(help: "Cut the tokenized prompt to at most this many tokens (for benchmarks).")
        var promptTokens: Int?

        @Flag(help: "Wrap the prompt as a user turn in the model's chat format.")
        var chat = false

        @Flag(help: "Print one JSON object with the text and timings instead of streaming.")
        var json = false

        func validate() throws {
            guard (prompt == nil) != (promptFile == nil) else {
                throw ValidationError("give either --prompt or --prompt-file")
            }
        }

        func run() throws {
            let prompt = try self.prompt ?? String(contentsOfFile: promptFile!, encoding: .utf8)
            let loaded = try model.load()
            let generator = Generator(loaded)
            var tokens = chat
                ? generator.chatPrompt([ChatMessage(role: .user, content: prompt)])
                : loaded.tokenizer.encode(prompt, addSpecialTokens: true).map(Int.init)
            if let limit = promptTokens { tokens = Array(tokens.prefix(limit)) }
            var endsWithNewline = true
            if !json, promptFile == nil {
                FileHandle.standardOutput.write(Data(prompt.utf8))
                endsWithNewline = prompt.hasSuffix("\n") || prompt.isEmpty
            }
            let result = try generator.generate(prompt: tokens, parameters: sampling.parameters) { text in
                if !json, !text.isEmpty {
                    FileHandle.standardOutput.write(Data(text.utf8))
                    endsWithNewline = text.hasSuffix("\n")
                }
                return true
            }
            if json {
                var object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(result)) as? [String: Any] ?? [:]
                object["prompt_tokens_per_second"] = result.promptTokensPerSecond
                object["tokens_per_second"] = result.tokensPerSecond
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            } else {
                // The text ends on its own line before the timing line: both go out unbuffered, so
                // the order holds on a terminal where stdout and stderr interleave.
                if !endsWithNewline { FileHandle.standardOutput.write(Data("\n".utf8)) }
                FileHandle.standardError.write(Data(String(
                    format: "prompt: %d tokens, %.1f t/s; generated: %d tokens, %.1f t/s (%@)\n",
                    result.promptTokens, result.promptTokensPerSecond, result.generatedTokens, result.tokensPerSecond,
                    result.finishReason.rawValue).utf8))
            }
        }
    }
}
