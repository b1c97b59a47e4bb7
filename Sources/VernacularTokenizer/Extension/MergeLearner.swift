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
        // One (pair, word) entry per adjacent pair, sorted: each pair's count and word list are
        // then built with one hash-table insert per distinct pair rather than two per occurrence
        // (a 100 MB corpus has tens of millions of occurrences).
        var total = 0
        for symbols in words { total += max(symbols.count - 1, 0) }
        var entries: [(key: UInt64, word: Int32)] = []
        entries.reserveCapacity(total)
        for (w, symbols) in words.enumerated() where symbols.count > 1 {
            for i in 0..<(symbols.count - 1) { entries.append((Self.key(symbols[i], symbols[i + 1]), Int32(w))) }
        }
        entries.sort { $0.key != $1.key ? $0.key < $1.key : $0.word < $1.word }
        var start = 0
        while start < entries.count {
            let key = entries[start].key
            var count = 0
            var list: [Int32] = []
            var end = start
            while end < entries.count && entries[end].key == key {
                let w = entries[end].word
                count += counts[Int(w)]
                if list.last != w { list.append(w) }
                end += 1
            }
            pairCounts[key] = count
            wordsWithPair[key] = list
            heap.push(count: count, key: key)
            start = end
        }
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

    /// Per-word stamp of the last merge that visited it, so a word listed twice is merged once.
    private var visited: [Int32] = []
    private var mergeNumber: Int32 = 0
    // Scratch buffers reused by every merge.
    private var merged: [Int32] = []
    private var created: [Int] = []
    private var touched = Set<UInt64>()

    /// Joins every (left, right) in the words that hold it. Only pairs next to a joined position
    /// change, so counts are adjusted there (as Hugging Face's trainer does) rather than by
    /// recounting whole words: Han runs are long words, and recounting them made each merge
    /// cost the length of every word it touched in hash-table updates.
    private mutating func apply(key: UInt64, left: Int32, right: Int32, newID: Int32) {
        if visited.isEmpty { visited = Array(repeating: -1, count: words.count) }
        mergeNumber += 1
        touched.removeAll(keepingCapacity: true)
        for w in wordsWithPair.removeValue(forKey: key) ?? [] where visited[Int(w)] != mergeNumber {
            let word = Int(w)
            visited[word] = mergeNumber
            let c = counts[word]
            merged.removeAll(keepingCapacity: true)
            created.removeAll(keepingCapacity: true)
            // Take the word out of `words` so it can be read while `self` changes.
            var old: [Int32] = []
            swap(&old, &words[word])
            let n = old.count
            var i = 0
            // Old index of the right half of the previous join in this word.
            var previousEnd = -2
            while i < n {
                guard i + 1 < n, old[i] == left, old[i + 1] == right else {
                    merged.append(old[i])
                    i += 1
                    continue
                }
                // Pairs that vanish: (before, left) unless the previous join already counted it
                // as its right neighbour, (left, right), and (right, after).
                if i > 0 && previousEnd != i - 1 { change(Self.key(old[i - 1], old[i]), by: -c) }
                change(key, by: -c)
                if i + 2 < n { change(Self.key(old[i + 1], old[i + 2]), by: -c) }
                created.append(merged.count)
                merged.append(newID)
                previousEnd = i + 1
                i += 2
            }
            guard !created.isEmpty else {
                swap(&old, &words[word])
                continue
            }
            // Pairs that appear: each joined symbol with its left neighbour, and with its right
            // neighbour unless that is also joined (then its own left pair counts it).
            for (index, j) in created.enumerated() {
                if j > 0 {
                    let k = Self.key(merged[j - 1], merged[j])
                    change(k, by: c)
                    wordsWithPair[k, default: []].append(w)
                }
                let nextIsJoined = index + 1 < created.count && created[index + 1] == j + 1
                if j + 1 < merged.count && !nextIsJoined {
                    let k = Self.key(merged[j], merged[j + 1])
                    change(k, by: c)
                    wordsWithPair[k, default: []].append(w)
                }
            }
            // The joined word goes in; the old buffer becomes the next scratch buffer.
            swap(&merged, &words[word])
            merged = old
        }
        for k in touched {
            let count = pairCounts[k] ?? 0
            if count > 0 { heap.push(count: count, key: k) } else { pairCounts[k] = nil }
        }
    }

    @inline(__always)
    private mutating func change(_ key: UInt64, by delta: Int) {
        pairCounts[key, default: 0] += delta
        touched.insert(key)
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
