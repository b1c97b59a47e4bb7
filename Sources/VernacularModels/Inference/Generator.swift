import Foundation
import VernacularEngine
import VernacularTokenizer

/// Why generation ended.
public enum FinishReason: String, Sendable, Codable {
    /// An end-of-sequence token or a stop sequence.
    case stop
    /// The token limit.
    case length
    /// The caller asked to stop.
    case cancelled
}

/// The outcome of one generation, with timings.
public struct GenerationResult: Sendable, Codable {
    public var text: String
    public var promptTokens: Int
    public var generatedTokens: Int
    public var finishReason: FinishReason
    public var promptSeconds: Double
    public var generationSeconds: Double

    public var promptTokensPerSecond: Double { Double(promptTokens) / max(promptSeconds, 1e-9) }
    /// Decoding speed, counted from the second token (the first comes from prompt processing).
    public var tokensPerSecond: Double { Double(max(generatedTokens - 1, 0)) / max(generationSeconds, 1e-9) }

    enum CodingKeys: String, CodingKey {
        case text
        case promptTokens = "prompt_tokens", generatedTokens = "generated_tokens"
        case finishReason = "finish_reason", promptSeconds = "prompt_seconds", generationSeconds = "generation_seconds"
    }
}

/// What to generate.
public struct GenerationParameters: Sendable {
    public var maxTokens: Int
    public var sampling: SamplingParameters
    /// Text that ends generation; it is not included in the output.
    public var stopSequences: [String]
    /// Prompt tokens fed to the model per forward pass (bounds memory for long prompts).
    public var prefillChunk: Int

    public init(maxTokens: Int = 256, sampling: SamplingParameters = SamplingParameters(), stopSequences: [String] = [],
                prefillChunk: Int = 512) {
        self.maxTokens = maxTokens
        self.sampling = sampling
        self.stopSequences = stopSequences
        self.prefillChunk = prefillChunk
    }
}

/// Runs the decode loop: prompt processing with a KV cache, then one token at a time, streaming
/// whole UTF-8 characters and holding back text that may be the start of a stop sequence.
public struct Generator {
    public let loaded: LoadedModel

    public init(_ loaded: LoadedModel) { self.loaded = loaded }

    /// Generates after `prompt` (token ids, BOS included if wanted). `onText` receives text as it
    /// becomes final; returning false stops generation.
    public func generate(prompt: [Int], parameters: GenerationParameters,
                         onText: (String) -> Bool = { _ in true }) throws -> GenerationResult {
        guard !prompt.isEmpty else { throw EngineError("the prompt has no tokens") }
        let model = loaded.model
        let cache = model.newCache()
        var sampler = Sampler(parameters.sampling)
        let stopTokens = loaded.stopTokenIDs
        var history = prompt
        var decoder = loaded.tokenizer.makeStreamingDecoder(skipSpecialTokens: true)
        var pending = ""     // decoded text not yet handed out (may start a stop sequence)
        var output = ""
        var generated = 0
        var finish = FinishReason.length

        let promptStart = DispatchTime.now().uptimeNanoseconds
        var logits: MLXArray!
        var position = 0
        while position < prompt.count {
            let end = min(position + max(parameters.prefillChunk, 1), prompt.count)
            let chunk = try MLXArray(ints: prompt[position..<end].map(Int32.init), [1, end - position])
            logits = try model(chunk, cache: cache, lastOnly: true)
            try logits.eval()
            position = end
        }
        let promptSeconds = Double(DispatchTime.now().uptimeNanoseconds - promptStart) / 1e9
        let generationStart = DispatchTime.now().uptimeNanoseconds

        decoding: while generated < parameters.maxTokens {
            let token = sampler.sample(logits: try logits.asFloats(), history: history)
            generated += 1
            if stopTokens.contains(token) { finish = .stop; break }
            history.append(token)
            pending += decoder.append(TokenID(token))
            if let range = parameters.stopSequences.compactMap({ pending.range(of: $0) }).min(by: { $0.lowerBound < $1.lowerBound }) {
                pending = String(pending[..<range.lowerBound])
                finish = .stop
                break decoding
            }
            // Hand out what can no longer be the start of a stop sequence.
            let keep = Self.longestStopPrefix(at: pending, stops: parameters.stopSequences)
            let ready = String(pending.dropLast(keep))
            if !ready.isEmpty {
                output += ready
                pending = String(pending.suffix(keep))
                if !onText(ready) { finish = .cancelled; break }
            }
            if generated == parameters.maxTokens { break }
            logits = try model(MLXArray(ints: [Int32(token)], [1, 1]), cache: cache, lastOnly: true)
        }
        if finish != .cancelled {
            pending += decoder.finish()
            if !pending.isEmpty {
                output += pending
                _ = onText(pending)
            }
        }
        return GenerationResult(
            text: output, promptTokens: prompt.count, generatedTokens: generated, finishReason: finish,
            promptSeconds: promptSeconds,
            generationSeconds: Double(DispatchTime.now().uptimeNanoseconds - generationStart) / 1e9)
    }

    /// Length of the longest suffix of `text` that is a proper prefix of a stop sequence.
    static func longestStopPrefix(at text: String, stops: [String]) -> Int {
        var best = 0
        for stop in stops {
            for length in stride(from: min(stop.count - 1, text.count), to: best, by: -1)
            where text.hasSuffix(String(stop.prefix(length))) {
                best = length
                break
            }
        }
        return best
    }

    /// The prompt tokens for a chat, in the model's format (with BOS when the tokenizer adds one).
    public func chatPrompt(_ messages: [ChatMessage]) -> [Int] {
        let text = loaded.chatTemplate?.render(messages)
            ?? messages.map(\.content).joined(separator: "\n") + "\n"
        return loaded.tokenizer.encode(text, addSpecialTokens: true).map(Int.init)
    }
}
