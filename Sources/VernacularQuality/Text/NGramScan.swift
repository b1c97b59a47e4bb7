/// The n-gram measures of one document (Gopher's top and duplicate n-gram character fractions),
/// run as a series of passes in increasing n that share their scratch space.
///
/// Each pass scans only the starts whose n-gram may repeat. Two equal n-grams begin with equal
/// shorter n-grams, so a start whose m-gram (m < n) occurs once in the document can neither
/// repeat nor be repeated at n: after a pass, only starts whose n-gram occurred more than once
/// stay candidates. In running text most 5-grams are unique, so the passes for n = 6..10 touch a
/// few percent of the starts instead of hashing n units at every one (they were a fifth of the
/// quality chain's time, perf on bench/quality). Starts are scanned in order, so counts "so far"
/// and first occurrences are those of a full scan, and the results are the same
/// (`QualityFilters.topNgramCharacterFraction(_:n:)` and friends are the full scans, for tests).
struct NGramScan {
    let units: TextUnits
    /// Characters in all units, the denominator of every fraction.
    let totalCharacters: Int
    private var table: NGramCounter
    /// Starts to scan, ascending: every start whose `narrowedBy`-gram occurs more than once
    /// (every start while `narrowedBy` is 0).
    private var candidates: [Int32]
    private var narrowedBy = 0
    /// Per start: its n-gram occurred more than once in the last pass.
    private var repeated: [Bool]
    /// Per unit: inside a repeated n-gram in the last duplicate pass.
    private var covered: [Bool]

    init(_ units: TextUnits) {
        self.units = units
        totalCharacters = units.lengths.reduce(0) { $0 + Int($1) }
        table = NGramCounter(capacity: units.count)
        candidates = Array(0..<Int32(truncatingIfNeeded: units.count))
        repeated = [Bool](repeating: false, count: units.count)
        covered = [Bool](repeating: false, count: units.count)
    }

    /// Characters covered by the most frequent n-gram (count x its characters) over all
    /// characters; 0 when no n-gram repeats.
    mutating func topFraction(n: Int) -> Double {
        guard units.count >= n, n > 0 else { return 0 }
        var best = 0
        var bestCharacters = 0
        scan(n: n) { start, count, first, units in
            if count > best {
                best = count
                bestCharacters = (first..<(first + n)).reduce(0) { $0 + Int(units.lengths[$1]) }
            }
        }
        guard best > 1 else { return 0 }
        return Double(best * bestCharacters) / Double(max(totalCharacters, 1))
    }

    /// Characters inside n-grams that repeat an earlier n-gram (each character counted once)
    /// over all characters.
    mutating func duplicateFraction(n: Int) -> Double {
        guard units.count >= n, n > 0 else { return 0 }
        var marked: [Int32] = []
        scan(n: n) { start, count, _, _ in
            if count > 1 { marked.append(Int32(truncatingIfNeeded: start)) }
        }
        var duplicated = 0
        for start in marked {
            for index in Int(start)..<(Int(start) + n) where !covered[index] {
                covered[index] = true
                duplicated += Int(units.lengths[index])
            }
        }
        for start in marked {
            for index in Int(start)..<(Int(start) + n) { covered[index] = false }
        }
        return Double(duplicated) / Double(max(totalCharacters, 1))
    }

    /// Counts the n-grams at the candidate starts in order, calling `body` with each start, its
    /// n-gram's count so far and first start; then keeps as candidates the starts whose n-gram
    /// occurred more than once.
    @inline(__always)
    private mutating func scan(n: Int, _ body: (Int, Int, Int, TextUnits) -> Void) {
        if narrowedBy > n {
            // Narrowed by a longer n-gram than this pass needs: start over from every start.
            candidates = Array(0..<Int32(truncatingIfNeeded: units.count))
        }
        table.reset(capacity: units.count)
        let last = units.count - n
        // Locals, so the loop borrows no part of `self` while it writes `repeated`.
        let units = units
        let candidates = candidates
        let table = table
        var scanned = 0
        units.ids.withUnsafeBufferPointer { ids in
            repeated.withUnsafeMutableBufferPointer { repeated in
                for start32 in candidates {
                    let start = Int(start32)
                    if start > last { break }
                    scanned += 1
                    let entry = table.add(TextUnits.ngramHash(ids, at: start, length: n), at: start)
                    if entry.count > 1 {
                        repeated[start] = true
                        repeated[entry.first] = true
                    }
                    body(start, entry.count, entry.first, units)
                }
            }
        }
        // The repeated starts are among the scanned ones: keep them, in order, and clear the flags.
        var kept: [Int32] = []
        for position in 0..<scanned {
            let start = Int(candidates[position])
            if repeated[start] {
                repeated[start] = false
                kept.append(candidates[position])
            }
        }
        self.candidates = kept
        narrowedBy = n
    }
}
