/// Learns BPE merges over weighted words, continuing from whatever symbols the words start with
/// (bytes for a new tokenizer, a base tokenizer's ids for an extension). Each step joins the most
/// frequent adjacent pair (ties: the smaller pair of ids, so runs are reproducible).
///
/// Pair counts are kept incrementally: a merge only revisits the words that contain its pair,
/// found through `wordsWithPair`; a max-heap with lazy deletion finds the best pair.
struct MergeLearner {
    /// Symbols of each distinct word and how often it occurs.
    private(set) var words: [[Int32]]
    private let counts: [Int]
    private var pairCounts: [UInt64: Int] = [:]
    /// Words that contained a pair when it was counted (may hold stale entries; merging rechecks).
    private var wordsWithPair: [UInt64: [Int32]] = [:]
    private var heap = PairHeap()

    init(words: [[Int32]], counts: [Int]) {
        self.words = words
        self.counts = counts
        for (w, symbols) in words.enumerated() where symbols.count > 1 {
            for i in 0..<(symbols.count - 1) {
                let key = Self.key(symbols[i], symbols[i + 1])
                pairCounts[key, default: 0] += counts[w]
                wordsWithPair[key, default: []].append(Int32(w))
            }
        }
        for (key, count) in pairCounts { heap.push(count: count, key: key) }
    }

    static func key(_ a: Int32, _ b: Int32) -> UInt64 { UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b)) }

    /// The next merge: the most frequent pair occurring at least `minimumCount` times, applied to
    /// every word as the id `result(left, right)` gives. Nil when no pair is frequent enough.
    mutating func next(minimumCount: Int, result: (Int32, Int32) -> Int32)
        -> (left: Int32, right: Int32, result: Int32, count: Int)? {
        while let (count, key) = heap.pop() {
            guard pairCounts[key] == count else { continue }  // stale entry
            guard count >= minimumCount else { return nil }
            let left = Int32(bitPattern: UInt32(key >> 32)), right = Int32(bitPattern: UInt32(key & 0xFFFF_FFFF))
            let id = result(left, right)
            apply(key: key, left: left, right: right, newID: id)
            return (left, right, id, count)
        }
        return nil
    }

    private mutating func apply(key: UInt64, left: Int32, right: Int32, newID: Int32) {
        var touched = Set<UInt64>()
        var seen = Set<Int32>()
        for w in wordsWithPair[key] ?? [] where seen.insert(w).inserted {
            let old = words[Int(w)]
            var merged: [Int32] = []
            merged.reserveCapacity(old.count)
            var i = 0
            while i < old.count {
                if i + 1 < old.count && old[i] == left && old[i + 1] == right {
                    merged.append(newID)
                    i += 2
                } else {
                    merged.append(old[i])
                    i += 1
                }
            }
            guard merged.count != old.count else { continue }
            let c = counts[Int(w)]
            for i in 0..<(old.count - 1) {
                let k = Self.key(old[i], old[i + 1])
                pairCounts[k, default: 0] -= c
                touched.insert(k)
            }
            for i in 0..<max(merged.count - 1, 0) {
                let k = Self.key(merged[i], merged[i + 1])
                pairCounts[k, default: 0] += c
                touched.insert(k)
                if merged[i] == newID || merged[i + 1] == newID { wordsWithPair[k, default: []].append(w) }
            }
            words[Int(w)] = merged
        }
        wordsWithPair[key] = nil
        for k in touched {
            let count = pairCounts[k] ?? 0
            if count > 0 { heap.push(count: count, key: k) } else { pairCounts[k] = nil }
        }
    }
}

/// Max-heap of (count, pair); on equal counts the smaller pair key comes first.
struct PairHeap {
    private var items: [(count: Int, key: UInt64)] = []

    private static func above(_ a: (count: Int, key: UInt64), _ b: (count: Int, key: UInt64)) -> Bool {
        a.count != b.count ? a.count > b.count : a.key < b.key
    }

    mutating func push(count: Int, key: UInt64) {
        items.append((count, key))
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard Self.above(items[i], items[parent]) else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> (Int, UInt64)? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var best = i
                if l < items.count && Self.above(items[l], items[best]) { best = l }
                if r < items.count && Self.above(items[r], items[best]) { best = r }
                if best == i { break }
                items.swapAt(i, best)
                i = best
            }
        }
        return (top.count, top.key)
    }
}
