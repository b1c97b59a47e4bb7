/// Turns generated ids into text as they arrive. A character split over several tokens (byte
/// fallback, or byte-level pieces of a Han character or emoji) is held back until it is whole,
/// so a client never sees half a character or a spurious U+FFFD.
public struct StreamingDecoder: Sendable {
    private let tokenizer: Tokenizer
    private let skipSpecialTokens: Bool
    private var pending: [UInt8] = []
    private var emittedAny = false

    init(tokenizer: Tokenizer, skipSpecialTokens: Bool) {
        self.tokenizer = tokenizer
        self.skipSpecialTokens = skipSpecialTokens
    }

    /// Adds one id and returns the text that is now complete (often empty).
    public mutating func append(_ id: TokenID) -> String {
        guard let bytes = tokenizer.bytes(for: id, skipSpecialTokens: skipSpecialTokens) else { return "" }
        pending.append(contentsOf: bytes)
        return emit(upTo: StreamingDecoder.completePrefixLength(pending))
    }

    /// Returns whatever is still held back (an unfinished character becomes U+FFFD).
    public mutating func finish() -> String {
        emit(upTo: pending.count)
    }

    private mutating func emit(upTo cut: Int) -> String {
        guard cut > 0 else { return "" }
        var start = 0
        if !emittedAny {
            emittedAny = true
            if tokenizer.stripsLeadingSpace && pending[0] == 0x20 { start = 1 }
        }
        let text = String(decoding: pending[start..<cut], as: UTF8.self)
        pending.removeFirst(cut)
        return text
    }

    /// Length of `bytes` without a trailing, still incomplete UTF-8 sequence.
    static func completePrefixLength(_ bytes: [UInt8]) -> Int {
        let n = bytes.count
        var k = 1
        while k <= min(4, n) {
            let b = bytes[n - k]
            if b & 0xC0 == 0x80 {  // continuation byte: keep looking for its lead
                k += 1
                continue
            }
            let width = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
            return width > k ? n - k : n
        }
        return n
    }
}
