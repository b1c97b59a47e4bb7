import Foundation
import VernacularEngine
import VernacularModels
import VernacularTokenizer

/// `EvalModel` over one of our loaded models.
///
/// Tokenization follows lm-evaluation-harness, so scores agree with it: trailing spaces of the
/// context move to the continuation, the continuation's tokens are the tail of the whole
/// encoding (context + continuation) after the context's own token count, and the model sees the
/// context's tokens followed by those. BOS comes first only when the tokenizer adds one
/// (Gemma yes, SmolLM2 no), and only once.
///
/// Speed: the context goes through the model once; every choice is scored from its last logits
/// (one-token continuations, the usual " A".." D") or from a fork of its KV cache (longer ones).
/// The shared prefix of a group of items (description and shots) is processed once as well: its
/// cache is forked for each item, which is where few-shot runs spend most of their time.
public final class ModelScorer: EvalModel {
    public let loaded: LoadedModel
    /// Prompt tokens per forward pass (bounds the attention's memory on long contexts).
    public var chunk = 512
    private var prefix: CachedPrefix?

    private struct CachedPrefix {
        let text: String
        let tokens: [Int]
        let cache: KVCache
    }

    public init(_ loaded: LoadedModel) { self.loaded = loaded }

    var tokenizer: Tokenizer { loaded.tokenizer }

    /// BOS when the tokenizer adds one, else nothing.
    var bos: [Int] { tokenizer.addsBOS ? tokenizer.bosTokenID.map { [Int($0)] } ?? [] : [] }

    func encode(_ text: String) -> [Int] { tokenizer.encode(text, addSpecialTokens: false).map(Int.init) }

    /// The context's tokens (BOS first when the model uses one) and each continuation's tokens,
    /// split as lm-evaluation-harness splits them.
    public func encode(context: String, continuations: [String]) -> (context: [Int], continuations: [[Int]]) {
        var context = context
        var moved = ""
        while let last = context.last, last == " " { moved.append(last); context.removeLast() }
        let contextTokens = encode(context)
        let continuationTokens = continuations.map { continuation -> [Int] in
            let whole = encode(context + moved + continuation)
            let tail = Array(whole.dropFirst(contextTokens.count))
            // A merge across the boundary can leave nothing: then score the continuation alone.
            return tail.isEmpty ? encode(moved + continuation) : tail
        }
        // BOS once: not again when the text itself starts with the BOS token.
        var first = contextTokens.starts(with: bos) ? contextTokens : bos + contextTokens
        // An empty context still needs a token to predict from: EOS, as lm-eval does.
        if first.isEmpty, let eos = tokenizer.eosTokenID { first = [Int(eos)] }
        return (first, continuationTokens)
    }

    public func loglikelihoods(_ requests: [LoglikelihoodRequest]) throws -> [[Double]] {
        try requests.map(score)
    }

    func score(_ request: LoglikelihoodRequest) throws -> [Double] {
        var (context, continuations) = encode(context: request.context, continuations: request.continuations)
        guard !context.isEmpty, continuations.allSatisfy({ !$0.isEmpty }) else {
            throw EngineError("the request has no tokens to score")
        }
        // Too long for the model: keep the end of the context, as lm-eval truncates on the left.
        let longest = continuations.map(\.count).max() ?? 1
        let room = loaded.model.contextLength - longest + 1
        if context.count > room, room > 1 { context = Array(context.suffix(room)) }
        let (cache, last) = try process(context, sharedPrefix: request.sharedPrefix)
        let firstLogProbs = LogSoftmax(last)
        return try continuations.map { tokens in
            var total = firstLogProbs[tokens[0]]
            if tokens.count > 1 {
                let fork = cache.fork()
                let input = try MLXArray(ints: tokens.dropLast().map(Int32.init), [1, tokens.count - 1])
                let logits = try loaded.model(input, cache: fork)                 // (1, n-1, V)
                let rows = try logits.asFloats()
                let width = loaded.model.vocabularySize
                for position in 1..<tokens.count {
                    let row = Array(rows[((position - 1) * width)..<(position * width)])
                    total += LogSoftmax(row)[tokens[position]]
                }
            }
            return total
        }
    }

    /// Runs `tokens` through the model, reusing the shared prefix's cache where the tokens start
    /// with it; returns the cache and the last position's logits (V).
    private func process(_ tokens: [Int], sharedPrefix: String) throws -> (KVCache, [Float]) {
        if !sharedPrefix.isEmpty {
            if prefix?.text != sharedPrefix {
                prefix = nil
                // The prefix's own encoding can end differently from the same text followed by more
                // (BPE merges whitespace with what follows), so only the tokens it shares with this
                // context are cached; later items reuse them when they start with the same tokens.
                let own = bos + encode(sharedPrefix)
                var shared = 0
                while shared < min(own.count, tokens.count - 1), own[shared] == tokens[shared] { shared += 1 }
                if shared >= 2 {
                    let cache = loaded.model.newCache()
                    _ = try forward(Array(tokens[0..<shared]), cache: cache)
                    prefix = CachedPrefix(text: sharedPrefix, tokens: Array(tokens[0..<shared]), cache: cache)
                }
            }
            if let prefix, tokens.count > prefix.tokens.count, tokens.starts(with: prefix.tokens) {
                let cache = prefix.cache.fork()
                return (cache, try forward(Array(tokens[prefix.tokens.count...]), cache: cache))
            }
        }
        let cache = loaded.model.newCache()
        return (cache, try forward(tokens, cache: cache))
    }

    /// Feeds `tokens` in chunks; the last position's logits.
    private func forward(_ tokens: [Int], cache: KVCache) throws -> [Float] {
        var logits: MLXArray?
        var start = 0
        while start < tokens.count {
            let end = min(start + chunk, tokens.count)
            let input = try MLXArray(ints: tokens[start..<end].map(Int32.init), [1, end - start])
            logits = try loaded.model(input, cache: cache, lastOnly: true)         // (1, 1, V)
            try logits!.eval()
            start = end
        }
        return try logits!.asFloats()
    }

    public func generate(_ requests: [GenerationRequest]) throws -> [String] {
        let generator = Generator(loaded)
        return try requests.map { request in
            let prompt = request.chat
                ? generator.chatPrompt([ChatMessage(role: .user, content: request.prompt)])
                : bos + encode(request.prompt)
            let parameters = GenerationParameters(
                maxTokens: request.maxTokens,
                sampling: SamplingParameters(temperature: 0, topK: 1, topP: 1, minP: 0, repetitionPenalty: 1),
                stopSequences: request.stopSequences)
            return try generator.generate(prompt: prompt, parameters: parameters).text
        }
    }

    public func perplexity(of text: String, context: Int) throws -> PerplexityResult {
        let bosID = bos.first
        let stream = bos + encode(text)
        // A one-token item (a one-word reply) has no token after a first one to predict.
        if stream.count < 2 { return .nothingScored(context: context) }
        let evaluator = PerplexityEvaluator(model: loaded.model, context: context, convention: .strided, bosID: bosID,
                                            tokenBytes: { [tokenizer] in tokenizer.tokenBytes(Int32($0)) })
        return try evaluator.evaluate(streams: [stream])
    }
}

/// log softmax of one row of logits, computed in double precision.
struct LogSoftmax {
    let logits: [Float]
    let logNormalizer: Double

    init(_ logits: [Float]) {
        self.logits = logits
        let maximum = Double(logits.max() ?? 0)
        var sum = 0.0
        for value in logits { sum += Foundation.exp(Double(value) - maximum) }
        logNormalizer = maximum + Foundation.log(sum)
    }

    subscript(token: Int) -> Double { Double(logits[token]) - logNormalizer }
}
