import VernacularCore

/// The heuristic filters, by the name that appears in drop reasons and in `skip:`.
public enum QualityFilter: String, Sendable, Codable, CaseIterable {
    case tooShort = "too_short"
    case tooLong = "too_long"
    case letterFraction = "letter_fraction"
    case stopwords = "stopwords"
    case lineEnds = "line_ends"
    case duplicateLines = "duplicate_lines"
    case duplicateLineCharacters = "duplicate_line_characters"
    case duplicateParagraphs = "duplicate_paragraphs"
    case duplicateParagraphCharacters = "duplicate_paragraph_characters"
    case topNgram = "top_ngram"
    case duplicateNgram = "duplicate_ngram"
}

/// Gopher, C4 and FineWeb-2 style document filters adapted to Han text: lengths count
/// characters, n-grams are over characters (Han) and words (other scripts), and a line may end
/// with a sentence-final particle as well as punctuation. Filters run cheapest first and the
/// first one that fails names the drop reason (`quality_<filter>`), with the measured value and
/// the threshold in the detail.
public struct QualityFilters: Sendable {
    public let thresholds: QualityThresholds
    public let skip: Set<QualityFilter>
    private let lineEndScalars: [[Unicode.Scalar]]
    private let stopwordScalars: [[Unicode.Scalar]]
    private let topNgramLimits: [(n: Int, limit: Double)]
    private let duplicateNgramLimits: [(n: Int, limit: Double)]

    public init(thresholds: QualityThresholds = QualityThresholds(), skip: Set<QualityFilter> = []) {
        self.thresholds = thresholds
        self.skip = skip
        lineEndScalars = thresholds.lineEndings.map { Array($0.unicodeScalars) }
        stopwordScalars = thresholds.stopwords.map { Array($0.unicodeScalars) }
        // In increasing n: each n-gram pass narrows the starts the next one scans (NGramScan).
        topNgramLimits = thresholds.maxTopNgramCharacterFraction.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        duplicateNgramLimits = thresholds.maxDuplicateNgramCharacterFraction.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// The first failed filter, or nil when the document passes them all.
    public func check(_ text: String) -> DropReason? {
        // Decoded once for every measure; UTF-8 bytes bound the scalar count.
        var nonSpace = 0
        var letters = 0
        let scalars = [Unicode.Scalar](unsafeUninitializedCapacity: text.utf8.count) { buffer, count in
            for scalar in text.unicodeScalars {
                buffer.initializeElement(at: count, to: scalar)
                count += 1
                if CharacterKind.isWhitespace(scalar) { continue }
                nonSpace += 1
                if CharacterKind.isLetter(scalar) { letters += 1 }
            }
        }
        if enabled(.tooShort), nonSpace < thresholds.minCharacters {
            return drop(.tooShort, "\(nonSpace) < \(thresholds.minCharacters) characters")
        }
        if enabled(.tooLong), nonSpace > thresholds.maxCharacters {
            return drop(.tooLong, "\(nonSpace) > \(thresholds.maxCharacters) characters")
        }
        if enabled(.letterFraction) {
            let share = nonSpace == 0 ? 0 : Double(letters) / Double(nonSpace)
            if share < thresholds.minLetterFraction { return below(.letterFraction, share, thresholds.minLetterFraction) }
        }
        if enabled(.stopwords) {
            let found = Self.countOccurrences(of: stopwordScalars, in: scalars, atMost: thresholds.minStopwords)
            if found < thresholds.minStopwords {
                return drop(.stopwords, "\(found) < \(thresholds.minStopwords) of \(thresholds.stopwords.joined(separator: " "))")
            }
        }
        let lines = Self.segments(of: scalars, separatedByBlankLines: false)
        if enabled(.lineEnds), lines.count >= thresholds.lineEndsMinLines, !lines.isEmpty {
            let ending = lines.filter { line in lineEndScalars.contains { Self.hasSuffix(scalars[line], $0) } }.count
            let share = Double(ending) / Double(lines.count)
            if share < thresholds.minLineEndFraction { return below(.lineEnds, share, thresholds.minLineEndFraction) }
        }
        if enabled(.duplicateLines) || enabled(.duplicateLineCharacters) {
            let (fraction, characterFraction) = Self.duplicateFractions(lines, in: scalars)
            if enabled(.duplicateLines), fraction > thresholds.maxDuplicateLineFraction {
                return above(.duplicateLines, fraction, thresholds.maxDuplicateLineFraction)
            }
            if enabled(.duplicateLineCharacters), characterFraction > thresholds.maxDuplicateLineCharacterFraction {
                return above(.duplicateLineCharacters, characterFraction, thresholds.maxDuplicateLineCharacterFraction)
            }
        }
        if enabled(.duplicateParagraphs) || enabled(.duplicateParagraphCharacters) {
            let paragraphs = Self.segments(of: scalars, separatedByBlankLines: true)
            let (fraction, characterFraction) = Self.duplicateFractions(paragraphs, in: scalars)
            if enabled(.duplicateParagraphs), fraction > thresholds.maxDuplicateParagraphFraction {
                return above(.duplicateParagraphs, fraction, thresholds.maxDuplicateParagraphFraction)
            }
            if enabled(.duplicateParagraphCharacters), characterFraction > thresholds.maxDuplicateParagraphCharacterFraction {
                return above(.duplicateParagraphCharacters, characterFraction, thresholds.maxDuplicateParagraphCharacterFraction)
            }
        }
        guard enabled(.topNgram) || enabled(.duplicateNgram) else { return nil }
        var scan = NGramScan(TextUnits(scalars: scalars, expected: scalars.count))
        if enabled(.topNgram) {
            for (n, limit) in topNgramLimits {
                let fraction = scan.topFraction(n: n)
                if fraction > limit { return above(.topNgram, fraction, limit, n: n) }
            }
        }
        if enabled(.duplicateNgram) {
            for (n, limit) in duplicateNgramLimits {
                let fraction = scan.duplicateFraction(n: n)
                if fraction > limit { return above(.duplicateNgram, fraction, limit, n: n) }
            }
        }
        return nil
    }

    private func enabled(_ filter: QualityFilter) -> Bool { !skip.contains(filter) }

    private func drop(_ filter: QualityFilter, _ detail: String) -> DropReason {
        DropReason("quality_" + filter.rawValue, detail: detail)
    }

    private func below(_ filter: QualityFilter, _ value: Double, _ limit: Double) -> DropReason {
        drop(filter, "\(Self.rounded(value)) < \(limit)")
    }

    private func above(_ filter: QualityFilter, _ value: Double, _ limit: Double, n: Int? = nil) -> DropReason {
        drop(filter, (n.map { "\($0)-gram " } ?? "") + "\(Self.rounded(value)) > \(limit)")
    }

    static func rounded(_ value: Double) -> Double { (value * 10_000).rounded() / 10_000 }

    // MARK: Measurements

    /// Ranges of non-empty lines (or paragraphs), trimmed of surrounding whitespace.
    static func segments(of scalars: [Unicode.Scalar], separatedByBlankLines: Bool) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start = 0
        var index = 0
        func close(_ end: Int) {
            var lower = start
            var upper = end
            while lower < upper, CharacterKind.isWhitespace(scalars[lower]) { lower += 1 }
            while upper > lower, CharacterKind.isWhitespace(scalars[upper - 1]) { upper -= 1 }
            if lower < upper { result.append(lower..<upper) }
        }
        while index < scalars.count {
            if scalars[index] == "\n" {
                if !separatedByBlankLines {
                    close(index)
                    start = index + 1
                } else {
                    // A blank line: a newline followed by only spaces up to the next newline.
                    var next = index + 1
                    while next < scalars.count, scalars[next] != "\n", CharacterKind.isWhitespace(scalars[next]) { next += 1 }
                    if next < scalars.count, scalars[next] == "\n" {
                        close(index)
                        start = next + 1
                        index = next
                    }
                }
            }
            index += 1
        }
        close(scalars.count)
        return result
    }

    /// Share of segments equal to an earlier one, and their share of all segments' characters.
    static func duplicateFractions(_ segments: [Range<Int>], in scalars: [Unicode.Scalar]) -> (Double, Double) {
        // One segment cannot repeat another (most documents are a single paragraph).
        guard segments.count > 1 else { return (0, 0) }
        // 64-bit hashes of the segments: a collision between two different lines of one document
        // is about 2^-64 per pair, far below any threshold's resolution.
        var seen = Set<UInt64>()
        var duplicates = 0
        var duplicateCharacters = 0
        var characters = 0
        for segment in segments {
            characters += segment.count
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for index in segment { hash = (hash ^ UInt64(scalars[index].value)) &* 0x100_0000_01b3 }
            if !seen.insert(hash).inserted {
                duplicates += 1
                duplicateCharacters += segment.count
            }
        }
        return (Double(duplicates) / Double(segments.count), Double(duplicateCharacters) / Double(max(characters, 1)))
    }

    /// Characters covered by the most frequent n-gram (count x its characters) over all unit
    /// characters, as Gopher's "top n-gram character fraction".
    static func topNgramCharacterFraction(_ units: TextUnits, n: Int) -> Double {
        var table = NGramCounter(capacity: units.count)
        return topNgramCharacterFraction(units, n: n, table: &table)
    }

    /// As above, reusing `table` (emptied first).
    static func topNgramCharacterFraction(_ units: TextUnits, n: Int, table counts: inout NGramCounter) -> Double {
        guard units.count >= n, n > 0 else { return 0 }
        let total = units.lengths.reduce(0) { $0 + Int($1) }
        counts.reset(capacity: units.count)
        var best = 0
        var bestCharacters = 0
        for start in 0...(units.count - n) {
            let entry = counts.add(units.ngramHash(at: start, length: n), at: start)
            if entry.count > best {
                best = entry.count
                bestCharacters = (entry.first..<(entry.first + n)).reduce(0) { $0 + Int(units.lengths[$1]) }
            }
        }
        // A text where no n-gram repeats has no "top" n-gram to speak of.
        guard best > 1 else { return 0 }
        return Double(best * bestCharacters) / Double(max(total, 1))
    }

    /// Characters inside n-grams that repeat an earlier n-gram (each counted once, scanning on
    /// past a repeat), over all unit characters: Gopher's duplicate n-gram character fraction.
    static func duplicateNgramCharacterFraction(_ units: TextUnits, n: Int) -> Double {
        var table = NGramCounter(capacity: units.count)
        return duplicateNgramCharacterFraction(units, n: n, table: &table)
    }

    /// As above, reusing `table` (emptied first).
    static func duplicateNgramCharacterFraction(_ units: TextUnits, n: Int, table seen: inout NGramCounter) -> Double {
        guard units.count >= n, n > 0 else { return 0 }
        let total = units.lengths.reduce(0) { $0 + Int($1) }
        seen.reset(capacity: units.count)
        var covered = [Bool](repeating: false, count: units.count)
        for start in 0...(units.count - n) where seen.add(units.ngramHash(at: start, length: n), at: start).count > 1 {
            for index in start..<(start + n) { covered[index] = true }
        }
        var duplicated = 0
        for index in 0..<units.count where covered[index] { duplicated += Int(units.lengths[index]) }
        return Double(duplicated) / Double(max(total, 1))
    }

    /// Occurrences of any of `words` in `scalars` (overlaps allowed), stopping at `limit`.
    static func countOccurrences(of words: [[Unicode.Scalar]], in scalars: [Unicode.Scalar], atMost limit: Int) -> Int {
        var found = 0
        for index in scalars.indices {
            for word in words where scalars[index] == word[0] {
                if word.count == 1 || (index + word.count <= scalars.count && Array(scalars[index..<(index + word.count)]) == word) {
                    found += 1
                    if found >= limit { return found }
                    break
                }
            }
        }
        return found
    }

    static func hasSuffix(_ line: ArraySlice<Unicode.Scalar>, _ suffix: [Unicode.Scalar]) -> Bool {
        line.count >= suffix.count && line.suffix(suffix.count).elementsEqual(suffix)
    }
}

/// Options of the `quality` stage.
public struct QualityStageConfig: Sendable, Codable, Equatable, KnownKeys {
    /// The language pack whose `quality:` section holds the thresholds.
    public var pack: String
    /// Filters to leave out (for example `line_ends` for transcribed speech without punctuation).
    public var skip: [QualityFilter]

    public init(pack: String = "langs/yue.yaml", skip: [QualityFilter] = []) {
        self.pack = pack
        self.skip = skip
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case pack, skip }
    public static var knownKeys: [String] { CodingKeys.allCases.map(\.rawValue) }

    public init(from decoder: any Decoder) throws {
        let d = QualityStageConfig()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        pack = try c.decodeIfPresent(String.self, forKey: .pack) ?? d.pack
        skip = try c.decodeIfPresent([QualityFilter].self, forKey: .skip) ?? d.skip
    }
}

/// Drops documents that fail a heuristic quality filter.
public struct QualityStage: Stage {
    public let name = "quality"
    public let filters: QualityFilters

    public init(filters: QualityFilters = QualityFilters()) { self.filters = filters }

    public func process(_ document: inout Document, counters: inout StageCounters) throws -> Verdict {
        guard let reason = filters.check(document.text) else { return .keep }
        return .drop(reason)
    }
}
