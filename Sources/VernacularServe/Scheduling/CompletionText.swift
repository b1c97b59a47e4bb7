import VernacularTokenizer

/// Turns one sequence's generated token ids into the text a client may see: whole UTF-8
/// characters only (the tokenizer's streaming decoder holds back a character split across
/// byte-level or byte-fallback tokens until it is complete), and nothing of a stop sequence.
public struct CompletionText: Sendable {
    private var decoder: StreamingDecoder
    private var filter: StopSequenceFilter
    /// Everything handed out so far.
    public private(set) var text = ""

    public init(tokenizer: Tokenizer, stops: [String]) {
        decoder = tokenizer.makeStreamingDecoder(skipSpecialTokens: true)
        filter = StopSequenceFilter(stops: stops)
    }

    /// Adds one generated id; returns the text now safe to send and whether a stop was reached.
    public mutating func append(_ token: Int) -> StopSequenceFilter.Output {
        let output = filter.append(decoder.append(TokenID(token)))
        text += output.ready
        return output
    }

    /// At the end (length limit or end of sequence): the rest that was held back. The bytes of
    /// a character the limit cut short are dropped, not sent as U+FFFD (the decoder holds back
    /// only such a tail, so whatever it gives at the end is that).
    public mutating func finish() -> String {
        _ = decoder.finish()
        var rest = filter.append("")
        if !rest.stopped { rest.ready += filter.finish() }
        text += rest.ready
        return rest.ready
    }
}
