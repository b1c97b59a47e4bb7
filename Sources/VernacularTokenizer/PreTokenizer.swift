/// How a byte-level tokenizer cuts normalised text into words before BPE: an optional digit
/// split (SmolLM2's `Digits(individual_digits)`) followed by an optional split pattern.
struct PreTokenizer: Equatable, Sendable {
    enum DigitSplit: Equatable, Sendable {
        /// Every `\p{N}` scalar is its own piece.
        case individual
        /// Runs of `\p{N}` are pieces.
        case runs
    }

    var digits: DigitSplit?
    var pattern: SplitPattern?

    /// Appends the end offset of each word of `start..<end` to `ends`.
    func split(
        scalars: UnsafeBufferPointer<UInt32>, classes: UnsafeBufferPointer<ScalarClass>,
        start: Int, end: Int, ends: inout [Int]
    ) {
        guard let digits else {
            splitPattern(scalars: scalars, classes: classes, start: start, end: end, ends: &ends)
            return
        }
        var pieceStart = start
        var i = start
        while i < end {
            guard classes[i] == .number else { i += 1; continue }
            if pieceStart < i {
                splitPattern(scalars: scalars, classes: classes, start: pieceStart, end: i, ends: &ends)
            }
            var j = i + 1
            if digits == .runs { while j < end, classes[j] == .number { j += 1 } }
            ends.append(j)
            pieceStart = j
            i = j
        }
        if pieceStart < end {
            splitPattern(scalars: scalars, classes: classes, start: pieceStart, end: end, ends: &ends)
        }
    }

    private func splitPattern(
        scalars: UnsafeBufferPointer<UInt32>, classes: UnsafeBufferPointer<ScalarClass>,
        start: Int, end: Int, ends: inout [Int]
    ) {
        guard let pattern else {
            ends.append(end)
            return
        }
        var i = start
        while i < end {
            i = pattern.pieceEnd(scalars: scalars, classes: classes, start: i, end: end)
            ends.append(i)
        }
    }
}
