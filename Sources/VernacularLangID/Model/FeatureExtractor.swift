/// Turns a sentence into the sparse feature vector the linear model scores.
///
/// Dimension legend: B = 2^hashBits hashed n-gram buckets, M = lexicon markers, X = fixed shape
/// features (`ShapeFeature`). A feature index is in [0, B + M + X):
///   [0, B)        character 1..maxN-grams of the folded text, hashed (value 1/sqrt(#n-grams))
///   [B, B+M)      one per lexicon marker present (value 1, however often it occurs: the
///                 counts go to the bucketed shape features instead). Counted per occurrence,
///                 a phrase repeated twenty times had twenty times the marker weight and
///                 came out `mixed`
///   [B+M, B+M+X)  bias, marker counts, English-word counts and their conjunctions (value 1)
///
/// Before n-grams, the text is folded to one script (`ScriptFold`), Latin letters are lower-
/// cased, digits become `0`, whitespace runs become one space and punctuation/emoji runs one
/// `.`, or one `,` when the run holds a clause end (，。！？；：…): script, case and numbers must
/// not decide the language, and clause ends delimit the clause features.
struct FeatureExtractor: Sendable {
    let hashBits: Int
    let maxN: Int
    /// Raw n-gram hash of each marker's folded text -> marker index.
    private let markerTable: MarkerTable
    private let markerKinds: [LexiconMarker.Kind]
    /// Bit set over the BMP of markers' first characters: most n-grams need no table probe.
    private let markerStarts: [UInt64]
    /// `ScriptFold`'s BMP table, held here so the hot loop reads it without a global access.
    private let foldBMP: [UInt32]

    var bucketCount: Int { 1 << hashBits }
    var markerCount: Int { markerKinds.count }
    var dimension: Int { bucketCount + markerCount + ShapeFeature.count }

    init(hashBits: Int, maxN: Int, markers: [LexiconMarker]) {
        self.hashBits = hashBits
        self.maxN = maxN
        var pairs: [(UInt64, Int32)] = []
        var starts = [UInt64](repeating: 0, count: 0x10000 / 64)
        for (i, marker) in markers.enumerated() {
            let scalars = marker.foldedScalars
            pairs.append((Self.rawHash(scalars[...]), Int32(i)))
            if let first = scalars.first, first < 0x10000 { starts[Int(first) >> 6] |= 1 << (UInt64(first) & 63) }
        }
        markerTable = MarkerTable(pairs)
        markerKinds = markers.map(\.kind)
        markerStarts = starts
        foldBMP = ScriptFold.bmpTable
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
        // A masking shift: 64 - hashBits is in 40...56, and `>>` would test for shifts of 64+.
        return Int32(truncatingIfNeeded: h &>> UInt64(64 &- hashBits))
    }

    /// Normalises the scalars `feed` pushes into `scratch` (grown to `capacity`, which must be at
    /// least the scalar count + 2) and calls `body` with the sequence and its counts; nil when
    /// `feed` returns false (invalid input).
    @inline(__always)
    private func withNormalized<R>(capacity: Int, scratch: inout [UInt32], _ feed: (inout Normalizer) -> Bool,
                                   _ body: (UnsafeBufferPointer<UInt32>, TextCounts) -> R) -> R? {
        if scratch.count < capacity { scratch = [UInt32](repeating: 0, count: max(capacity, 256)) }
        return foldBMP.withUnsafeBufferPointer { fold in
            scratch.withUnsafeMutableBufferPointer { seq -> R? in
                var normalizer = Normalizer(into: seq.baseAddress!, fold: fold.baseAddress!)
                guard feed(&normalizer) else { return nil }
                let counts = normalizer.finish()
                return body(UnsafeBufferPointer(start: seq.baseAddress, count: normalizer.count), counts)
            }
        }
    }

    /// Extracts features of `text` into `out` (cleared first) and returns the text's counts.
    /// This is the reference path (training, tests); `score(utf8:...)` is the fused fast path.
    @discardableResult
    func extract(_ text: Substring, into out: inout FeatureBuffer) -> TextCounts {
        out.removeAll()
        var scratch = out.scratch
        var ngrams: [Int32] = out.ngrams, extras: [Int32] = out.extras
        out.scratch = []; out.ngrams = []; out.extras = []
        let counts = withNormalized(capacity: text.utf8.count + 2, scratch: &scratch, { normalizer in
            for scalar in text.unicodeScalars { normalizer.push(scalar.value) }
            return true
        }, { s, counts in
            var counts = counts
            var sink = ListSink(markerBase: Int32(bucketCount), ngrams: ngrams, extras: extras)
            _ = forEachFeature(of: s, counts: &counts, into: &sink)
            ngrams = sink.ngrams
            extras = sink.extras
            return counts
        })!
        let count = ngrams.count
        out.scratch = scratch; out.ngrams = ngrams; out.extras = extras
        out.ngramValue = count > 0 ? 1 / Float(count).squareRoot() : 0
        ShapeFeature.append(for: counts, base: Int32(bucketCount + markerCount), to: &out.extras)
        return counts
    }

    /// The model's raw logits for UTF-8 `bytes`, written to `logits` (C entries), without
    /// building a feature list: the same numbers as `extract` followed by `LangIDModel.logits`.
    /// Returns nil (and leaves `logits` undefined) when the bytes are not valid UTF-8.
    ///
    /// weights is (D, C) feature-major; `scratch` keeps the normalised text, `buckets` the n-gram
    /// rows and `seen` a bit per marker (all clear between calls).
    @inline(__always)
    func score(utf8 bytes: UnsafeBufferPointer<UInt8>, weights: UnsafeBufferPointer<Float>, classes c: Int,
               logits: UnsafeMutableBufferPointer<Float>, scratch: inout [UInt32], buckets: inout [Int32],
               seen: inout [UInt64]) -> TextCounts? {
        // A scalar takes at least one byte, so bytes + 2 (the edge spaces) bound the sequence.
        let needed = (bytes.count &+ 2) &* maxN
        if buckets.count < needed { buckets = [Int32](repeating: 0, count: max(needed, 1024)) }
        let words = max((markerCount + 63) / 64, 1)  // one bit per marker
        if seen.count != words { seen = [UInt64](repeating: 0, count: words) }
        return seen.withUnsafeMutableBufferPointer { seen in
            buckets.withUnsafeMutableBufferPointer { rows in
                withNormalized(capacity: bytes.count &+ 2, scratch: &scratch, { normalizer in
                    UTF8Scalars.decode(bytes, into: { normalizer.push($0) })
                }, { s, counts in
                    var counts = counts
                    score(sequence: s, counts: &counts, weights: weights, classes: c, logits: logits, rows: rows, seen: seen)
                    return counts
                })
            }
        }
    }

    /// `score(utf8:...)` after normalisation; `rows` has room for maxN entries per element of `s`.
    @inline(__always)
    private func score(sequence s: UnsafeBufferPointer<UInt32>, counts: inout TextCounts, weights: UnsafeBufferPointer<Float>,
                       classes c: Int, logits: UnsafeMutableBufferPointer<Float>, rows: UnsafeMutableBufferPointer<Int32>,
                       seen: UnsafeMutableBufferPointer<UInt64>) {
        for k in 0..<c { logits[k] = 0 }
        // N-gram weights are summed apart and scaled once by 1/sqrt(#n-grams), as in `extract`
        // (equal up to float rounding; the tests allow 1e-4); marker rows go straight to logits.
        // Hashing comes first, into `rows`: the weight rows are random reads from a table larger
        // than L2 (the profile's hot spot), and a tight loop of independent loads lets the CPU
        // overlap them.
        var sink = RowSink(rows: rows.baseAddress!, markerBase: bucketCount, classes: c, weights: weights.baseAddress!,
                           logits: logits.baseAddress!, seen: seen.baseAddress!)
        _ = forEachFeature(of: s, counts: &counts, into: &sink)
        let count = sink.count
        // Clear the markers' bits for the next sentence.
        for word in 0..<seen.count { seen[word] = 0 }
        let v: Float = count > 0 ? 1 / Float(count).squareRoot() : 0
        if c == 4 {
            // The usual four classes: one 16-byte row per n-gram, summed in two registers.
            let raw = UnsafeRawPointer(weights.baseAddress!)
            var a = SIMD4<Float>(), b = SIMD4<Float>()
            var j = 0
            while j &+ 1 < count {
                a += raw.loadUnaligned(fromByteOffset: Int(rows[j]) &* 16, as: SIMD4<Float>.self)
                b += raw.loadUnaligned(fromByteOffset: Int(rows[j &+ 1]) &* 16, as: SIMD4<Float>.self)
                j &+= 2
            }
            if j < count { a += raw.loadUnaligned(fromByteOffset: Int(rows[j]) &* 16, as: SIMD4<Float>.self) }
            let sum = a + b
            for k in 0..<4 { logits[k] += sum[k] * v }
        } else {
            withUnsafeTemporaryAllocation(of: Float.self, capacity: c) { sum in
                for k in 0..<c { sum[k] = 0 }
                for j in 0..<count {
                    let row = Int(rows[j]) &* c
                    for k in 0..<c { sum[k] += weights[row &+ k] }
                }
                for k in 0..<c { logits[k] += sum[k] * v }
            }
        }
        let base = bucketCount + markerCount
        ShapeFeature.forEach(for: counts) { feature in
            let row = (base + feature) &* c
            for k in 0..<c { logits[k] += weights[row &+ k] }
        }
    }

    /// Walks the n-grams of a normalised sequence, giving `sink` each bucket and each lexicon
    /// marker found (counting markers into `counts`); returns the n-gram count. Generic over the
    /// sink rather than taking closures, so that each path gets its own specialised loop with
    /// direct calls (with closures the compiler outlined the walk and called through them).
    @inline(__always)
    private func forEachFeature<Sink: FeatureSink>(of s: UnsafeBufferPointer<UInt32>, counts: inout TextCounts,
                                                   into sink: inout Sink) -> Int {
        // Wrapping arithmetic (&+, &*) throughout: indices are bounded by the sequence length,
        // and the overflow checks were a fair share of this hot loop's instructions.
        let n = s.count
        var ngrams = 0
        var clauses = ClauseEvidence()
        for i in 0..<n {
            let first = s[i]
            var isMarkerStart = false
            if first < 0x10000 {
                isMarkerStart = markerStarts[Int(first) &>> 6] & (1 &<< (UInt64(first) & 63)) != 0
            }
            if first == 0x2C { clauses.close(into: &counts) }
            let skipUnigram = first == 0x20 || first == 0x2E || first == 0x2C
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            let top = min(maxN, n &- i)
            var order = 1
            while order <= top {
                // Incremental FNV-1a: the hash of s[i..<i+order] extends that of order-1.
                h ^= UInt64(s[i &+ order &- 1])
                h = h &* 0x0000_0100_0000_01B3
                if order != 1 || !skipUnigram {
                    sink.ngram(bucket(h &+ UInt64(order) &* 0xA24B_AED4_963E_E407))
                    ngrams &+= 1
                    if isMarkerStart, let index = markerTable.lookup(h) {
                        sink.marker(index)
                        switch markerKinds[Int(index)] {
                        case .cantonese: counts.cantoneseMarkers &+= 1; clauses.cantonese = true
                        case .swc: counts.swcMarkers &+= 1; clauses.swc = true
                        case .shared: break
                        }
                    }
                }
                order &+= 1
            }
        }
        clauses.close(into: &counts)
        return ngrams
    }
}

/// Receives the features `FeatureExtractor.forEachFeature` finds.
protocol FeatureSink {
    mutating func ngram(_ bucket: Int32)
    mutating func marker(_ index: Int32)
}

/// The reference path's sink: feature lists, each marker once.
private struct ListSink: FeatureSink {
    let markerBase: Int32
    var ngrams: [Int32]
    var extras: [Int32]
    var seen = Set<Int32>()

    init(markerBase: Int32, ngrams: [Int32], extras: [Int32]) {
        self.markerBase = markerBase
        self.ngrams = ngrams
        self.extras = extras
    }

    mutating func ngram(_ bucket: Int32) {
        ngrams.append(bucket)
    }

    mutating func marker(_ index: Int32) {
        if seen.insert(markerBase + index).inserted { extras.append(markerBase + index) }
    }
}

/// The fast path's sink: bucket rows into a buffer, marker rows straight into the logits, each
/// marker once (bit set `seen`, cleared by the caller).
private struct RowSink: FeatureSink {
    let rows: UnsafeMutablePointer<Int32>
    let markerBase: Int
    let classes: Int
    let weights: UnsafePointer<Float>
    let logits: UnsafeMutablePointer<Float>
    let seen: UnsafeMutablePointer<UInt64>
    var count = 0

    @inline(__always)
    mutating func ngram(_ bucket: Int32) {
        rows[count] = bucket
        count &+= 1
    }

    @inline(__always)
    mutating func marker(_ index: Int32) {
        let word = Int(index) &>> 6, bit = UInt64(1) &<< UInt64(index & 63)
        guard seen[word] & bit == 0 else { return }
        seen[word] |= bit
        let row = (markerBase &+ Int(index)) &* classes
        for j in 0..<classes { logits[j] += weights[row &+ j] }
    }
}

/// Turns scalars into the sequence n-grams are taken from: script folded, Latin lower-cased,
/// digits `0`, whitespace runs one space, punctuation/emoji runs one `.`, a space at each end
/// so that word edges are n-gram context. Counts what it saw.
/// Writes through a pointer the caller sized (scalars + 2), and reads the fold table through
/// one: the per-scalar loop has no array bookkeeping.
struct Normalizer {
    private let out: UnsafeMutablePointer<UInt32>
    private let fold: UnsafePointer<UInt32>
    /// Elements written so far.
    private(set) var count = 1
    var counts = TextCounts()
    private var wordLength = 0
    private var wordHasUpper = false

    /// `fold` is `ScriptFold.bmpTable` (0x10000 entries).
    init(into out: UnsafeMutablePointer<UInt32>, fold: UnsafePointer<UInt32>) {
        self.out = out
        self.fold = fold
        out[0] = 0x20
    }

    @inline(__always)
    private mutating func endWord() {
        if wordLength > 0 {
            counts.latinWords &+= 1
            if !wordHasUpper, wordLength >= 2 { counts.lowerWords &+= 1 }
        }
        wordLength = 0; wordHasUpper = false
    }

    @inline(__always)
    mutating func push(_ scalar: UInt32) {
        var v = scalar
        if CharacterClass.isHan(v) {
            endWord()
            counts.han &+= 1
            if v < 0x10000 {
                let mapped = fold[Int(v)]
                if mapped != 0 { v = mapped }
            } else {
                v = ScriptFold.fold(v)
            }
        } else if CharacterClass.isLatinLetter(v) {
            if CharacterClass.isUpperLatin(v) { wordHasUpper = true }
            wordLength &+= 1
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
            counts.otherLetters &+= 1
        } else if v == 0x27 || v == 0x2019 || v == 0x2D, wordLength > 0 {
            return  // don't, well-known: the apostrophe or hyphen stays inside the word
        } else {
            endWord()
            v = Self.isClauseEnd(v) ? 0x2C : 0x2E
        }
        // Collapse runs of spaces and of punctuation; a run holding a clause end is one `,`.
        let last = out[count &- 1]
        if v == 0x20, last == 0x20 { return }
        if v == 0x2E || v == 0x2C, last == 0x2E || last == 0x2C {
            if v == 0x2C { out[count &- 1] = 0x2C }
            return
        }
        out[count] = v
        count &+= 1
    }

    /// Clause-ending punctuation, full-width and ASCII (not 、, which joins list items).
    @inline(__always)
    static func isClauseEnd(_ v: UInt32) -> Bool {
        switch v {
        case 0x2C, 0x2E, 0x21, 0x3F, 0x3B, 0x3A, 0x2026, 0x3002, 0xFF0C, 0xFF01, 0xFF1F, 0xFF1B, 0xFF1A,
             0xFF0E, 0xFF61, 0xFE50, 0xFE52, 0xFE54, 0xFE55, 0xFE56, 0xFE57, 0xFE30:
            return true
        default:
            return false
        }
    }

    /// Ends the sequence with a space and returns the counts.
    mutating func finish() -> TextCounts {
        endWord()
        if out[count &- 1] != 0x20 {
            out[count] = 0x20
            count &+= 1
        }
        return counts
    }
}

/// Open-addressing table from a marker's raw n-gram hash to its index: a few dozen keys, probed
/// for every n-gram that starts with a marker's first character, so no hashing of the key.
struct MarkerTable: Sendable {
    private var keys: [UInt64]
    private var values: [Int32]
    private let mask: Int

    init(_ pairs: [(UInt64, Int32)]) {
        var size = 16
        while size < pairs.count * 4 { size *= 2 }
        keys = [UInt64](repeating: 0, count: size)
        values = [Int32](repeating: -1, count: size)
        mask = size - 1
        for (key, value) in pairs {
            var slot = Self.slot(key, mask: mask)
            while values[slot] >= 0, keys[slot] != key { slot = (slot + 1) & mask }
            keys[slot] = key
            values[slot] = value
        }
    }

    @inline(__always)
    private static func slot(_ key: UInt64, mask: Int) -> Int { Int(truncatingIfNeeded: (key ^ (key >> 29)) & UInt64(mask)) }

    @inline(__always)
    func lookup(_ key: UInt64) -> Int32? {
        var slot = Self.slot(key, mask: mask)
        while true {
            let value = values[slot]
            if value < 0 { return nil }
            if keys[slot] == key { return value }
            slot = (slot + 1) & mask
        }
    }
}

/// A strict UTF-8 decoder (no overlong forms, no surrogates, nothing past U+10FFFF): the fast
/// path reads lines as bytes and must answer `other` for invalid ones, never guess.
enum UTF8Scalars {
    /// Calls `body` with each scalar value; returns false at the first invalid sequence.
    @inline(__always)
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, into body: (UInt32) -> Void) -> Bool {
        let n = bytes.count
        var i = 0
        @inline(__always) func continuation(_ at: Int) -> UInt32? {
            guard at < n, bytes[at] & 0xC0 == 0x80 else { return nil }
            return UInt32(bytes[at] & 0x3F)
        }
        while i < n {
            let b0 = bytes[i]
            if b0 < 0x80 {
                body(UInt32(b0)); i &+= 1
            } else if b0 < 0xC2 {
                return false  // a continuation byte, or an overlong two-byte form
            } else if b0 < 0xE0 {
                guard let c1 = continuation(i + 1) else { return false }
                body(UInt32(b0 & 0x1F) &<< 6 | c1); i &+= 2
            } else if b0 < 0xF0 {
                guard let c1 = continuation(i + 1), let c2 = continuation(i + 2) else { return false }
                if b0 == 0xE0, c1 < 0x20 { return false }  // overlong
                if b0 == 0xED, c1 >= 0x20 { return false }  // UTF-16 surrogate
                body(UInt32(b0 & 0x0F) &<< 12 | c1 &<< 6 | c2); i &+= 3
            } else if b0 < 0xF5 {
                guard let c1 = continuation(i + 1), let c2 = continuation(i + 2), let c3 = continuation(i + 3) else { return false }
                if b0 == 0xF0, c1 < 0x10 { return false }  // overlong
                if b0 == 0xF4, c1 >= 0x10 { return false }  // past U+10FFFF
                body(UInt32(b0 & 0x07) &<< 18 | c1 &<< 12 | c2 &<< 6 | c3); i &+= 4
            } else {
                return false
            }
        }
        return true
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
    /// Clauses holding Cantonese markers and no SWC marker, and the reverse: a sentence with one
    /// of each joins a Cantonese clause to an SWC one (`mixed`), while SWC words inside a
    /// Cantonese clause (在我嘅旅途中) are borrowing.
    public var cantoneseClauses = 0
    public var swcClauses = 0

    /// Han characters plus Latin words: the amount of text a decision rests on.
    public var units: Int { han + latinWords }
}

/// Which varieties' markers the current clause has held, while walking a sentence.
struct ClauseEvidence {
    var cantonese = false
    var swc = false

    /// Ends the clause: counts it as Cantonese-only or SWC-only, then starts the next.
    @inline(__always)
    mutating func close(into counts: inout TextCounts) {
        if cantonese != swc {
            if cantonese { counts.cantoneseClauses += 1 } else { counts.swcClauses += 1 }
        }
        cantonese = false; swc = false
    }
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
    case cantoneseClauses0, cantoneseClauses1, cantoneseClauses2plus
    case swcClauses0, swcClauses1, swcClauses2plus
    case joinedClauses
    case han0, han1to2, han3to5, han6to10, han11plus
    case latinShare0, latinShareUpTo20, latinShareUpTo40, latinShareUpTo70, latinShareAbove70

    static let count = allCases.count

    /// Appends the shape features of `c` to `extras`, offset by `base` (no array per sentence).
    static func append(for c: TextCounts, base: Int32, to extras: inout [Int32]) {
        forEach(for: c) { extras.append(base + Int32($0)) }
    }

    /// Calls `body` with the index of each shape feature `c` has.
    @inline(__always)
    static func forEach(for c: TextCounts, _ body: (Int) -> Void) {
        func add(_ feature: ShapeFeature, plus offset: Int = 0) { body(feature.rawValue + offset) }
        add(.bias)
        add(.cantonese0, plus: min(c.cantoneseMarkers, 3))
        add(.swc0, plus: min(c.swcMarkers, 3))
        add(.lower0, plus: min(c.lowerWords, 3))
        if c.latinWords > 0, c.lowerWords == 0 { add(.capitalisedOnly) }
        if c.cantoneseMarkers > 0, c.swcMarkers > 0 { add(.cantoneseAndSWC) }
        if c.cantoneseMarkers > 0, c.lowerWords > 0 { add(.cantoneseAndEnglish) }
        if c.swcMarkers > 0, c.lowerWords > 0 { add(.swcAndEnglish) }
        add(.cantoneseClauses0, plus: min(c.cantoneseClauses, 2))
        add(.swcClauses0, plus: min(c.swcClauses, 2))
        if c.cantoneseClauses > 0, c.swcClauses > 0 { add(.joinedClauses) }
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
