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
    /// Ours (`vern tokenizer train`): Qwen 2 with Han ideographs cut out of the letter class.
    /// A run of Han characters is one piece on its own: it never takes a leading punctuation
    /// mark (Qwen's `[^\r\n\p{L}\p{N}]?\p{L}+` turns "，我哋" into one piece, so merges learn
    /// "，我"), and it never runs on into Latin letters ("用iPhone" is two pieces). Cantonese puts
    /// no spaces between words, so the whole run is kept: BPE can then learn 唔該, 佢哋, 嘅嘢
    /// wherever they fall, which cutting every character apart (at least one token per
    /// character) or cutting fixed-length chunks (the same word cut differently at each offset)
    /// would not. Punctuation (，。！？「」、) ends a run, so no token spans two clauses.
    /// The Han ranges are written out because Swift has no Unicode script property to match
    /// `\p{Han}` with; they are the unified ideographs, extension A, the compatibility block and
    /// the supplementary-plane extensions (U+20000-U+3134F), the same set `containsHan` uses.
    case hanIsolated

    static let gpt2Regex = #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#
    static let llama3Regex = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
    static let qwen2Regex = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#

    static let hanClass = #"\x{3400}-\x{4DBF}\x{4E00}-\x{9FFF}\x{F900}-\x{FAFF}\x{20000}-\x{3134F}"#
    static let hanIsolatedRegex = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|["# + hanClass + #"]+|[^\r\n\p{L}\p{N}]?[\p{L}&&[^"#
        + hanClass + #"]]+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#

    /// Whether `value` lies in the Han ranges of `hanIsolated` (assigned or not, as the regex's
    /// ranges are).
    @inline(__always)
    static func isHan(_ value: UInt32) -> Bool {
        (0x4E00...0x9FFF).contains(value) || (0x3400...0x4DBF).contains(value) || (0xF900...0xFAFF).contains(value)
            || (0x20000...0x3134F).contains(value)
    }

    /// The regex source this pattern reproduces, as a `tokenizer.json` Split spells it.
    var regex: String {
        switch self {
        case .gpt2: return SplitPattern.gpt2Regex
        case .llama3: return SplitPattern.llama3Regex
        case .qwen2: return SplitPattern.qwen2Regex
        case .hanIsolated: return SplitPattern.hanIsolatedRegex
        }
    }

    /// The pattern whose regex source is exactly `source`, or nil.
    init?(regex source: String) {
        switch source {
        case SplitPattern.gpt2Regex: self = .gpt2
        case SplitPattern.llama3Regex: self = .llama3
        case SplitPattern.qwen2Regex: self = .qwen2
        case SplitPattern.hanIsolatedRegex: self = .hanIsolated
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
        case .hanIsolated: return llamaEnd(scalars, classes, start, end, maxDigits: 1, isolateHan: true)
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
        maxDigits: Int, isolateHan: Bool = false
    ) -> Int {
        let contraction = SplitPattern.contractionLength(s, i, end, caseInsensitive: true)
        if contraction > 0 { return i + contraction }
        let cls = c[i]
        if isolateHan {
            // `[Han]+`, then `[^\r\n\p{L}\p{N}]?[\p{L}&&[^Han]]+`.
            if SplitPattern.isHan(s[i]) {
                var k = i + 1
                while k < end, SplitPattern.isHan(s[k]) { k += 1 }
                return k
            }
            func nonHanLetters(from start: Int) -> Int {
                var k = start
                while k < end, c[k] == .letter, !SplitPattern.isHan(s[k]) { k += 1 }
                return k
            }
            if cls == .letter { return nonHanLetters(from: i + 1) }
            if cls != .newline, cls != .number, i + 1 < end, c[i + 1] == .letter, !SplitPattern.isHan(s[i + 1]) {
                return nonHanLetters(from: i + 2)
            }
        } else {
            // `[^\r\n\p{L}\p{N}]?\p{L}+`
            if cls == .letter { return SplitPattern.run(of: .letter, c, i + 1, end) }
            if cls != .newline, cls != .number, i + 1 < end, c[i + 1] == .letter {
                return SplitPattern.run(of: .letter, c, i + 2, end)
            }
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
