import ArgumentParser
import Foundation
import VernacularCore
import VernacularModels

extension Vern {
    struct Perplexity: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure a model's perplexity, bits per byte and bits per character on text.",
            discussion: """
                Plain text files are one document each; JSON Lines shards (.jsonl, .gz, .zst, globs) \
                give one document per record. Each document is tokenized with the model's BOS and \
                scored in windows of --context tokens advancing by half a window, so every token is \
                scored once, with at least half a window of history after the first window. \
                With --llamacpp-convention all text is one stream cut into disjoint windows whose \
                first token becomes BOS, and only each window's second half is scored, as \
                llama.cpp's llama-perplexity does; for a quantised GGUF the inputs of quantised \
                matmuls are then also rounded to 8-bit blocks as llama.cpp rounds them \
                (--float32-activations turns that off). Bits per character is the fair comparison \
                across tokenizers.
                """)

        @OptionGroup var model: ModelOptions

        @Option(name: .shortAndLong, parsing: .upToNextOption, help: "Text files or JSON Lines shards.")
        var input: [String]

        @Option(help: "Window length in tokens.")
        var context = 512

        @Flag(help: "Score as llama.cpp's llama-perplexity does (second half of disjoint windows).")
        var llamacppConvention = false

        @Flag(help: ArgumentHelp(
            "With --llamacpp-convention, keep float32 activations instead of rounding them as llama.cpp does.",
            discussion: "llama.cpp quantises each matmul's input to 8 bits for quantised weights; by default the convention does the same."))
        var float32Activations = false

        @Option(help: "Use at most this many documents.")
        var maxDocuments: Int?

        @Option(help: "Field holding the text in JSON Lines input.")
        var textField = "text"

        @Flag(help: "Print one JSON object.")
        var json = false

        func validate() throws {
            if context < 8 { throw ValidationError("--context must be at least 8") }
        }

        func run() throws {
            let texts = try readTexts()
            let loaded = try model.load(forDecoding: false, roundActivationsLikeLlamaCpp: llamacppConvention && !float32Activations)
            let tokenizer = loaded.tokenizer
            // BOS only where the tokenizer adds one (llama-perplexity does the same); SmolLM2 adds none.
            let bos = tokenizer.addsBOS ? tokenizer.bosTokenID.map(Int.init) : nil
            let streams: [[Int]]
            if llamacppConvention {
                var stream = tokenizer.encode(texts.joined(separator: "\n\n"), addSpecialTokens: false).map(Int.init)
                if let bos { stream.insert(bos, at: 0) }
                streams = [stream]
            } else {
                streams = texts.map { text in
                    let ids = tokenizer.encode(text, addSpecialTokens: false).map(Int.init)
                    // A stream must start with a token that is not scored: BOS when the model has one.
                    return bos.map { [$0] + ids } ?? ids
                }
            }
            let evaluator = PerplexityEvaluator(
                model: loaded.model, context: context, convention: llamacppConvention ? .llamaCpp : .strided,
                bosID: bos, tokenBytes: { tokenizer.tokenBytes(Int32($0)) })
            let start = Date()
            let interactive = isatty(STDERR_FILENO) == 1
            var lastReport = Date()
            let result = try evaluator.evaluate(streams: streams) { windows in
                guard Date().timeIntervalSince(lastReport) > (interactive ? 0.5 : 5) else { return }
                lastReport = Date()
                let line = String(format: "perplexity: %d windows, %.1f s", windows, Date().timeIntervalSince(start))
                FileHandle.standardError.write(Data((interactive ? "\r" + line : line + "\n").utf8))
            }
            if interactive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            if json {
                print(try JSONText.encode(result))
            } else {
                print(String(format: "token perplexity %.4f, bits/byte %.4f, bits/char %.4f (%d tokens, %d bytes, %d chars, %d windows of %d, %@)",
                             result.tokenPerplexity, result.bitsPerByte, result.bitsPerChar, result.tokens, result.bytes,
                             result.chars, result.windows, result.context, result.convention.rawValue))
            }
        }

        /// Texts of the inputs: whole plain files, or each JSON Lines record's text.
        func readTexts() throws -> [String] {
            var texts: [String] = []
            for path in try ShardPlanner.expand(input) {
                if let limit = maxDocuments, texts.count >= limit { break }
                if path.contains(".jsonl") || path.hasSuffix(".json") {
                    try DocumentReading.forEach(path: path, mapping: DocumentFieldMapping(textField: textField)) { document in
                        if maxDocuments.map({ texts.count < $0 }) ?? true { texts.append(document.text) }
                    }
                } else {
                    let bytes = try readWholeFile(path)
                    guard let text = String(validating: bytes, as: UTF8.self) else {
                        throw ValidationError("\(path) is not valid UTF-8")
                    }
                    texts.append(text)
                }
            }
            guard !texts.isEmpty else { throw ValidationError("no text in \(input.joined(separator: ", "))") }
            return texts
        }
    }
}
