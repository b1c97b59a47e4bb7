/// One sentence of a text: its place (Unicode scalar offsets, as Python and most JSON consumers
/// count) and its text.
public struct SentenceSpan: Sendable, Equatable {
    /// Offset of the first scalar, counted in Unicode scalars from the start of the text.
    public var start: Int
    /// Offset one past the last scalar (trailing spaces and newlines excluded).
    public var end: Int
    public var text: Substring

    public init(start: Int, end: Int, text: Substring) {
        self.start = start
        self.end = end
        self.text = text
    }
}

/// Splits mixed Han and Latin text into sentences.
///
/// A sentence ends after 。！？；… (and their ASCII forms), after a newline, or after a Latin `.`
/// followed by a space and not by a lower-case word; closing quotes and brackets stay with the sentence they close. A `.`
/// between digits (1.27) or letters (e.g.) does not end a sentence. Runs longer than
/// `maxScalars` are cut there, so a 1 MB line without punctuation costs linear time and memory.
public struct SentenceSplitter: Sendable {
    /// The longest sentence handed to the classifier; longer runs are cut (1,000 scalars is far
    /// beyond any real sentence and still cheap to score).
    public var maxScalars: Int

    public init(maxScalars: Int = 1_000) { self.maxScalars = max(1, maxScalars) }

    /// The sentences of `text`, in order, without empty or whitespace-only pieces.
    public func split(_ text: String) -> [SentenceSpan] {
        let scalars = text.unicodeScalars
        var spans: [SentenceSpan] = []
        var startIndex = scalars.startIndex
        var startOffset = 0
        var offset = 0
        var index = scalars.startIndex
        var pendingEnd = false  // a terminator was seen; closing marks may still follow

        func emit(upTo endIndex: String.UnicodeScalarView.Index, endOffset: Int) {
            // Trim leading and trailing whitespace, keeping offsets right.
            var lo = startIndex, loOffset = startOffset
            while lo < endIndex, CharacterClass.isSpace(scalars[lo].value) {
                lo = scalars.index(after: lo); loOffset += 1
            }
            var hi = endIndex, hiOffset = endOffset
            while hi > lo {
                let before = scalars.index(before: hi)
                guard CharacterClass.isSpace(scalars[before].value) else { break }
                hi = before; hiOffset -= 1
            }
            if lo < hi {
                spans.append(SentenceSpan(start: loOffset, end: hiOffset, text: Substring(scalars[lo..<hi])))
            }
        }

        while index < scalars.endIndex {
            let v = scalars[index].value
            if pendingEnd, !Self.isCloser(v) {
                emit(upTo: index, endOffset: offset)
                startIndex = index; startOffset = offset
                pendingEnd = false
            }
            let next = scalars.index(after: index)
            if v == 0x0A {
                emit(upTo: next, endOffset: offset + 1)
                startIndex = next; startOffset = offset + 1
            } else if Self.isTerminator(v) {
                pendingEnd = true
            } else if v == 0x2E /* . */ {
                // A Latin full stop ends a sentence only before whitespace or the end of text.
                if next == scalars.endIndex || CharacterClass.isSpace(scalars[next].value) {
                    let prevIsLetter = offset > startOffset
                        && CharacterClass.isLatinLetter(scalars[scalars.index(before: index)].value)
                    if next == scalars.endIndex || (prevIsLetter && !Self.lowercaseFollows(scalars, after: next)) {
                        pendingEnd = true
                    }
                }
            }
            index = next
            offset += 1
            if offset - startOffset >= maxScalars, !pendingEnd {
                emit(upTo: index, endOffset: offset)
                startIndex = index; startOffset = offset
            }
        }
        emit(upTo: scalars.endIndex, endOffset: offset)
        return spans
    }

    /// Whether the next non-space scalar from `index` is a lower-case letter: after "p.m." or
    /// "e.g." the sentence goes on.
    static func lowercaseFollows(_ scalars: String.UnicodeScalarView, after index: String.UnicodeScalarView.Index) -> Bool {
        var i = index
        while i < scalars.endIndex, CharacterClass.isSpace(scalars[i].value), scalars[i] != "\n" { i = scalars.index(after: i) }
        guard i < scalars.endIndex else { return false }
        return (0x61...0x7A).contains(scalars[i].value)
    }

    @inline(__always)
    static func isTerminator(_ v: UInt32) -> Bool {
        switch v {
        case 0x3002, 0xFF01, 0xFF1F, 0xFF1B, 0x21, 0x3F, 0x3B, 0x2026, 0xFF61: return true  // 。！？；!?;…｡
        default: return false
        }
    }

    @inline(__always)
    static func isCloser(_ v: UInt32) -> Bool {
        switch v {
        case 0x300D, 0x300F, 0x201D, 0x2019, 0xFF09, 0x29, 0x22, 0x27, 0x3011, 0x300B, 0x3009:
            return true  // 」』”’）)"'】》〉
        default:
            // Repeated terminators (？！, ……) stay in the same sentence.
            return isTerminator(v)
        }
    }
}
