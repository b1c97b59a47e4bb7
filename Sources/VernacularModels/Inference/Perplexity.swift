import Foundation
import VernacularEngine

/// How windows are laid over a long token stream.
public enum PerplexityConvention: String, Sendable, Codable {
    /// Ours: windows of `context` tokens advancing by half a window; each token is scored once,
    /// with at least half a window of history once past the first window (Hugging Face's strided
    /// perplexity). Every token of every document after its BOS is scored.
    case strided
    /// llama.cpp's `llama-perplexity`: the stream is cut into disjoint windows of `context`
    /// tokens, each window's first token replaced by BOS, and only the second half of each
    /// window scored. A trailing partial window is not scored.
    case llamaCpp = "llamacpp"
}

/// What `vern perplexity` reports.
public struct PerplexityResult: Sendable, Codable, Equatable {
    public var tokenPerplexity: Double
    public var bitsPerByte: Double
    /// Bits per character: the fair comparison across tokenizers.
    public var bitsPerChar: Double
    /// Tokens scored.
    public var tokens: Int
    /// UTF-8 bytes and characters of the scored tokens.
    public var bytes: Int
    public var chars: Int
    /// Sum of the scored tokens' negative log-likelihoods, in nats.
    public var negativeLogLikelihood: Double
    public var windows: Int
    public var context: Int
    public var convention: PerplexityConvention

    enum CodingKeys: String, CodingKey {
        case tokens, bytes, chars, windows, context, convention
        case tokenPerplexity = "token_perplexity", bitsPerByte = "bits_per_byte", bitsPerChar = "bits_per_char"
        case negativeLogLikelihood = "negative_log_likelihood"
    }

    /// A text with nothing to score (one token and no BOS before it): it adds nothing to a
    /// task's totals, neither tokens nor the characters of tokens never predicted.
    public static func nothingScored(context: Int, convention: PerplexityConvention = .strided) -> PerplexityResult {
        PerplexityResult(tokenPerplexity: 1, bitsPerByte: 0, bitsPerChar: 0, tokens: 0, bytes: 0, chars: 0,
                         negativeLogLikelihood: 0, windows: 0, context: context, convention: convention)
    }
}

/// Scores token streams with a model. Byte and character counts come from each scored token's
/// bytes, so they are exact for any tokenizer (a character is counted at its UTF-8 lead byte).
public struct PerplexityEvaluator {
    public let model: any LanguageModel
    public let context: Int
    public let convention: PerplexityConvention
    /// UTF-8 bytes a token decodes to (empty for special tokens).
    public let tokenBytes: (Int) -> [UInt8]
    public let bosID: Int?

    public init(model: any LanguageModel, context: Int, convention: PerplexityConvention, bosID: Int?,
                tokenBytes: @escaping (Int) -> [UInt8]) {
        self.model = model
        self.context = context
        self.convention = convention
        self.bosID = bosID
        self.tokenBytes = tokenBytes
    }

    /// Accumulates scored tokens.
    struct Totals {
        var nll = 0.0
        var tokens = 0
        var bytes = 0
        var chars = 0
        var windows = 0
    }

    /// Scores each stream (a document's tokens, BOS first when the model uses one).
    /// `progress` gets the windows done so far.
    public func evaluate(streams: [[Int]], progress: ((Int) -> Void)? = nil) throws -> PerplexityResult {
        guard context >= 4 else { throw EngineError("context must be at least 4 tokens") }
        var totals = Totals()
        for stream in streams {
            switch convention {
            case .strided: try scoreStrided(stream, into: &totals, progress: progress)
            case .llamaCpp: try scoreLlamaCpp(stream, into: &totals, progress: progress)
            }
        }
        guard totals.tokens > 0 else { throw EngineError("no token was scored: the input is shorter than one window") }
        let bits = totals.nll / log(2)
        return PerplexityResult(
            tokenPerplexity: exp(totals.nll / Double(totals.tokens)), bitsPerByte: bits / Double(max(totals.bytes, 1)),
            bitsPerChar: bits / Double(max(totals.chars, 1)), tokens: totals.tokens, bytes: totals.bytes,
            chars: totals.chars, negativeLogLikelihood: totals.nll, windows: totals.windows, context: context,
            convention: convention)
    }

    /// Negative log-likelihood of each next token in `window`: (T − 1) values.
    func windowLosses(_ window: [Int]) throws -> [Float] {
        let tokens = try MLXArray(ints: window.map(Int32.init), [1, window.count])
        let logits = try model(tokens, cache: nil)                                   // (1, T, V)
        let predictions = try sliced(logits, axis: 1, from: 0, to: window.count - 1)
        let targets = try MLXArray(ints: window.dropFirst().map(Int32.init), [1, window.count - 1])
        return try crossEntropy(logits: predictions, targets: targets).asFloats()
    }

    func add(token: Int, loss: Float, to totals: inout Totals) {
        totals.nll += Double(loss)
        totals.tokens += 1
        let bytes = tokenBytes(token)
        totals.bytes += bytes.count
        totals.chars += bytes.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
    }

    private func scoreStrided(_ stream: [Int], into totals: inout Totals, progress: ((Int) -> Void)?) throws {
        guard stream.count >= 2 else { return }
        let stride = context / 2
        var scoredUpTo = 1  // index of the next token still to score
        var begin = 0
        while scoredUpTo < stream.count {
            let end = min(begin + context, stream.count)
            let losses = try windowLosses(Array(stream[begin..<end]))
            // losses[i] scores stream[begin + i + 1].
            for index in scoredUpTo..<end { add(token: stream[index], loss: losses[index - begin - 1], to: &totals) }
            scoredUpTo = end
            totals.windows += 1
            progress?(totals.windows)
            begin += stride
            if end == stream.count { break }
        }
    }

    private func scoreLlamaCpp(_ stream: [Int], into totals: inout Totals, progress: ((Int) -> Void)?) throws {
        let first = context / 2
        for chunk in 0..<(stream.count / context) {
            var window = Array(stream[(chunk * context)..<((chunk + 1) * context)])
            if let bosID { window[0] = bosID }
            let losses = try windowLosses(window)
            for position in first..<(context - 1) {
                add(token: window[position + 1], loss: losses[position], to: &totals)
            }
            totals.windows += 1
            progress?(totals.windows)
        }
    }
}
