/// The pre-tokenisation regexes of the byte-level models we support, matched by hand over
/// scalar classes (Swift Regex is far too slow for this hot path). Each `case` documents the
/// exact pattern it reproduces; `PreTokenizerTests` pins the tricky alternatives.
enum SplitPattern: Equatable, Sendable {
    /// GPT-2 (and SmolLM2 after its digit split):
    /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
    case gpt2
    /// Llama 3: `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|`
    /// ` ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
    case llama3
    /// Qwen 2 and 3: as Llama 3 but `\p{N}` (one digit per piece).
    case qwen2

    static let gpt2Regex = #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#
    static let llama3Regex = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
    static let qwen2Regex = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#

    /// The pattern whose regex source is exactly `source`, or nil.
    init?(regex source: String) {
        switch source {
        case SplitPattern.gpt2Regex: self = .gpt2
        case SplitPattern.llama3Regex: self = .llama3
        case SplitPattern.qwen2Regex: self = .qwen2
        default: return nil
        }
    }

    /// End (exclusive) of the piece that starts at `start`; `end` bounds the text.
    /// Every scalar belongs to some alternative, so the result is always > start.
    func pieceEnd(
        scalars: UnsafeBufferPointer<UInt32>, classes: UnsafeBufferPointer<ScalarClass>, start: Int, end: Int
    ) -> Int {
        switch self {
        case .gpt2: return gpt2End(scalars, classes, start, end)
        case .llama3: return llamaEnd(scalars, classes, start, end, maxDigits: 3)
        case .qwen2: return llamaEnd(scalars, classes, start, end, maxDigits: 1)
        }
    }

    private func gpt2End(
        _ s: UnsafeBufferPointer<UInt32>, _ c: UnsafeBufferPointer<ScalarClass>, _ i: Int, _ end: Int
    ) -> Int {
        let contraction = SplitPattern.contractionLength(s, i, end, caseInsensitive: false)
        if contraction > 0 { return i + contraction }
        // ` ?X+` for X in letter, number, other: an optional leading space joins the run.
        let j = (c[i] == .space && i + 1 < end) ? i + 1 : i
        let cls = c[j]
        if cls == .letter || cls == .number {
            return SplitPattern.run(of: cls, c, j + 1, end)
        }
        if cls == .other {
            var k = j + 1
            while k < end, c[k] == .other { k += 1 }
            return k
        }
        return SplitPattern.whitespaceEnd(c, i, end)
    }

    private func llamaEnd(
        _ s: UnsafeBufferPointer<UInt32>, _ c: UnsafeBufferPointer<ScalarClass>, _ i: Int, _ end: Int,
        maxDigits: Int
    ) -> Int {
        let contraction = SplitPattern.contractionLength(s, i, end, caseInsensitive: true)
        if contraction > 0 { return i + contraction }
        let cls = c[i]
        // `[^\r\n\p{L}\p{N}]?\p{L}+`
        if cls == .letter { return SplitPattern.run(of: .letter, c, i + 1, end) }
        if cls != .newline, cls != .number, i + 1 < end, c[i + 1] == .letter {
            return SplitPattern.run(of: .letter, c, i + 2, end)
        }
        // `\p{N}{1,maxDigits}`
        if cls == .number {
            var k = i + 1
            while k < end, k - i < maxDigits, c[k] == .number { k += 1 }
            return k
        }
        // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
        let j = (cls == .space && i + 1 < end) ? i + 1 : i
        if c[j] == .other {
            var k = j + 1
            while k < end, c[k] == .other { k += 1 }
            while k < end, c[k] == .newline { k += 1 }
            return k
        }
        // `\s*[\r\n]+`: greedy whitespace backs off to end just after the run's last newline.
        var runEnd = i
        var lastNewline = -1
        while runEnd < end, c[runEnd].isWhitespace {
            if c[runEnd] == .newline { lastNewline = runEnd }
            runEnd += 1
        }
        if lastNewline >= 0 { return lastNewline + 1 }
        return SplitPattern.whitespaceEnd(c, i, end)
    }

    /// `\s+(?!\S)|\s+` from `i`, which must be whitespace: a run not at the end gives its last
    /// space to the next piece (so " word" keeps its space), unless the run is one scalar long.
    private static func whitespaceEnd(_ c: UnsafeBufferPointer<ScalarClass>, _ i: Int, _ end: Int) -> Int {
        var k = i + 1
        while k < end, c[k].isWhitespace { k += 1 }
        if k == end || k - i == 1 { return k }
        return k - 1
    }

    private static func run(of cls: ScalarClass, _ c: UnsafeBufferPointer<ScalarClass>, _ from: Int, _ end: Int) -> Int {
        var k = from
        while k < end, c[k] == cls { k += 1 }
        return k
    }

    /// Length of `'s|'t|'re|'ve|'m|'ll|'d` at `i` (0 when none). Case folding follows Unicode
    /// simple folding as Oniguruma does, so U+017F (long s) matches `s`.
    static func contractionLength(_ s: UnsafeBufferPointer<UInt32>, _ i: Int, _ end: Int, caseInsensitive: Bool) -> Int {
        guard s[i] == 0x27, i + 1 < end else { return 0 }
        func fold(_ v: UInt32) -> UInt32 {
            guard caseInsensitive else { return v }
            if v == 0x17F { return 0x73 }
            if v >= 0x41 && v <= 0x5A { return v | 0x20 }
            return v
        }
        let a = fold(s[i + 1])
        switch a {
        case 0x73, 0x74, 0x6D, 0x64: return 2  // s t m d
        default: break
        }
        guard i + 2 < end else { return 0 }
        let b = fold(s[i + 2])
        switch (a, b) {
        case (0x72, 0x65), (0x76, 0x65), (0x6C, 0x6C): return 3  // re ve ll
        default: return 0
        }
    }
}
