/// Turns a sentence into the sparse feature vector the linear model scores.
///
/// Dimension legend: B = 2^hashBits hashed n-gram buckets, M = lexicon markers, X = fixed shape
/// features (`ShapeFeature`). A feature index is in [0, B + M + X):
///   [0, B)        character 1..maxN-grams of the folded text, hashed (value 1/sqrt(#n-grams))
///   [B, B+M)      one per lexicon marker occurrence (value 1)
///   [B+M, B+M+X)  bias, marker counts, English-word counts and their conjunctions (value 1)
///
/// Before n-grams, the text is folded to one script (`ScriptFold`), Latin letters are lower-
/// cased, digits become `0`, whitespace runs become one space and punctuation/emoji runs one
/// `.`: script, case and numbers must not decide the language.
struct FeatureExtractor: Sendable {
    let hashBits: Int
    let maxN: Int
    /// Raw n-gram hash of each marker's folded text -> marker index.
    private let markerIndex: [UInt64: Int32]
    private let markerKinds: [LexiconMarker.Kind]
    /// Bit set over the BMP of markers' first characters: most n-grams need no dictionary probe.
    private let markerStarts: [UInt64]

    var bucketCount: Int { 1 << hashBits }
    var markerCount: Int { markerKinds.count }
    var dimension: Int { bucketCount + markerCount + ShapeFeature.count }

    init(hashBits: Int, maxN: Int, markers: [LexiconMarker]) {
        self.hashBits = hashBits
        self.maxN = maxN
        var index: [UInt64: Int32] = [:]
        var starts = [UInt64](repeating: 0, count: 0x10000 / 64)
        for (i, marker) in markers.enumerated() {
            let scalars = marker.foldedScalars
            index[Self.rawHash(scalars[...])] = Int32(i)
            if let first = scalars.first, first < 0x10000 { starts[Int(first) >> 6] |= 1 << (UInt64(first) & 63) }
        }
        markerIndex = index
        markerKinds = markers.map(\.kind)
        markerStarts = starts
    }

    /// FNV-1a over the scalars (the order is mixed in only when bucketing, so that the hash of an
    /// n-gram extends that of its prefix).
    @inline(__always)
    static func rawHash(_ window: ArraySlice<UInt32>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for v in window {
            h ^= UInt64(v)
            h = h &* 0x0000_0100_0000_01B3
        }
        return h
    }

    /// Finalises a raw hash (a multiply-shift mix) and keeps the top `hashBits` bits.
    @inline(__always)
    func bucket(_ raw: UInt64) -> Int32 {
        var h = raw ^ (raw >> 31)
        h = h &* 0x9E37_79B9_7F4A_7C15
        return Int32(truncatingIfNeeded: h >> UInt64(64 - hashBits))
    }

    /// Extracts features of `text` into `out` (cleared first) and returns the text's counts.
    @discardableResult
    func extract(_ text: Substring, into out: inout FeatureBuffer) -> TextCounts {
        out.removeAll()
        var counts = TextCounts()
        // Normalised sequence with a space at each end so that word edges are n-gram context.
        var seq = out.scratch
        seq.removeAll(keepingCapacity: true)
        seq.append(0x20)
        var wordLength = 0, wordHasUpper = false
        func endWord() {
            if wordLength > 0 {
                counts.latinWords += 1
                if !wordHasUpper, wordLength >= 2 { counts.lowerWords += 1 }
            }
            wordLength = 0; wordHasUpper = false
        }
        for scalar in text.unicodeScalars {
            var v = scalar.value
            if CharacterClass.isHan(v) {
                endWord()
                counts.han += 1
                v = ScriptFold.fold(v)
            } else if CharacterClass.isLatinLetter(v) {
                if CharacterClass.isUpperLatin(v) { wordHasUpper = true }
                wordLength += 1
                if v >= 0xFF21 { v -= 0xFEE0 }  // full-width to ASCII
                if (0x41...0x5A).contains(v) || (0xC0...0xDE).contains(v) { v += 0x20 }
            } else if CharacterClass.isDigit(v) {
                endWord()
                v = 0x30
            } else if CharacterClass.isSpace(v) {
                endWord()
                v = 0x20
            } else if CharacterClass.isOtherLetter(v) {
                endWord()
                counts.otherLetters += 1
            } else if v == 0x27 || v == 0x2019 || v == 0x2D, wordLength > 0 {
                continue  // don't, well-known: the apostrophe or hyphen stays inside the word
            } else {
                endWord()
                v = 0x2E
            }
            // Collapse runs of spaces and of punctuation.
            if (v == 0x20 || v == 0x2E), seq.last == v { continue }
            seq.append(v)
        }
        endWord()
        if seq.last != 0x20 { seq.append(0x20) }

        let n = seq.count
        var ngrams = 0
        seq.withUnsafeBufferPointer { s in
            for i in 0..<n {
                let first = s[i]
                var h: UInt64
                var isMarkerStart = false
                if first < 0x10000 {
                    isMarkerStart = markerStarts[Int(first) >> 6] & (1 << (UInt64(first) & 63)) != 0
                }
                h = 0xcbf2_9ce4_8422_2325
                for order in 1...maxN where i + order <= n {
                    // Incremental FNV-1a: the hash of s[i..<i+order] extends that of order-1.
                    h ^= UInt64(s[i + order - 1])
                    h = h &* 0x0000_0100_0000_01B3
                    if order == 1, first == 0x20 || first == 0x2E { continue }
                    out.ngrams.append(bucket(h &+ UInt64(order) &* 0xA24B_AED4_963E_E407))
                    ngrams += 1
                    if isMarkerStart, let marker = markerIndex[h] {
                        out.extras.append(Int32(bucketCount) + marker)
                        switch markerKinds[Int(marker)] {
                        case .cantonese: counts.cantoneseMarkers += 1
                        case .swc: counts.swcMarkers += 1
                        }
                    }
                }
            }
        }
        out.scratch = seq
        out.ngramValue = ngrams > 0 ? 1 / Float(ngrams).squareRoot() : 0
        let base = Int32(bucketCount + markerCount)
        ShapeFeature.append(for: counts, base: base, to: &out.extras)
        return counts
    }
}

/// What the extractor counted in a sentence; the classifier uses it to answer `other`.
public struct TextCounts: Sendable, Equatable {
    /// Han characters.
    public var han = 0
    /// Latin-letter words (any case).
    public var latinWords = 0
    /// Latin words of 2+ letters, all lower case: code-switching rather than names or acronyms.
    public var lowerWords = 0
    /// Letters of scripts the model does not know (kana, hangul, Cyrillic, ...).
    public var otherLetters = 0
    public var cantoneseMarkers = 0
    public var swcMarkers = 0

    /// Han characters plus Latin words: the amount of text a decision rests on.
    public var units: Int { han + latinWords }
}

/// Reusable buffers for one extraction: no allocation per sentence once warmed.
struct FeatureBuffer {
    var ngrams: [Int32] = []
    var extras: [Int32] = []
    var ngramValue: Float = 0
    var scratch: [UInt32] = []

    mutating func removeAll() {
        ngrams.removeAll(keepingCapacity: true)
        extras.removeAll(keepingCapacity: true)
        ngramValue = 0
    }
}

/// Fixed features beyond n-grams and markers. Counts are bucketed (0, 1, 2, 3+) because a linear
/// model cannot make "two markers" mean more than twice one; the conjunctions let it learn that
/// Cantonese markers together with English words (or with SWC markers) mean `mixed`.
enum ShapeFeature: Int, CaseIterable {
    case bias
    case cantonese0, cantonese1, cantonese2, cantonese3plus
    case swc0, swc1, swc2, swc3plus
    case lower0, lower1, lower2, lower3plus
    case capitalisedOnly
    case cantoneseAndSWC, cantoneseAndEnglish, swcAndEnglish
    case han0, han1to2, han3to5, han6to10, han11plus
    case latinShare0, latinShareUpTo20, latinShareUpTo40, latinShareUpTo70, latinShareAbove70

    static let count = allCases.count

    /// Appends the shape features of `c` to `extras`, offset by `base` (no array per sentence).
    static func append(for c: TextCounts, base: Int32, to extras: inout [Int32]) {
        func add(_ feature: ShapeFeature, plus offset: Int = 0) {
            extras.append(base + Int32(feature.rawValue + offset))
        }
        add(.bias)
        add(.cantonese0, plus: min(c.cantoneseMarkers, 3))
        add(.swc0, plus: min(c.swcMarkers, 3))
        add(.lower0, plus: min(c.lowerWords, 3))
        if c.latinWords > 0, c.lowerWords == 0 { add(.capitalisedOnly) }
        if c.cantoneseMarkers > 0, c.swcMarkers > 0 { add(.cantoneseAndSWC) }
        if c.cantoneseMarkers > 0, c.lowerWords > 0 { add(.cantoneseAndEnglish) }
        if c.swcMarkers > 0, c.lowerWords > 0 { add(.swcAndEnglish) }
        switch c.han {
        case 0: add(.han0)
        case 1...2: add(.han1to2)
        case 3...5: add(.han3to5)
        case 6...10: add(.han6to10)
        default: add(.han11plus)
        }
        let share = c.units == 0 ? 0 : Double(c.latinWords) / Double(c.units)
        switch share {
        case 0: add(.latinShare0)
        case ..<0.2: add(.latinShareUpTo20)
        case ..<0.4: add(.latinShareUpTo40)
        case ..<0.7: add(.latinShareUpTo70)
        default: add(.latinShareAbove70)
        }
    }
}
