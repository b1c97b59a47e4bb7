/// Applies ranked merges to one word's symbols until no adjacent pair has a merge.
/// The rule (Hugging Face BPE and SentencePiece BPE alike): repeatedly join the pair with the
/// lowest rank, the leftmost one on a tie.
///
/// Two implementations: `mergeLinear` rescans cached pair ranks (fast for the short words that
/// byte-level pre-tokenisers produce); `mergeHeap` keeps a heap of candidate pairs over a linked
/// list (O(n log n), for the long unsplit segments of SentencePiece-style tokenizers).
/// `BPEMergerTests` checks that both agree.
enum BPEMerger {
    /// Words longer than this use the heap.
    static let heapThreshold = 96

    /// Merges `symbols` in place.
    static func merge(_ symbols: inout [Int32], table: PairTable) {
        if symbols.count < 2 { return }
        if symbols.count > heapThreshold {
            mergeHeap(&symbols, table: table)
        } else {
            mergeLinear(&symbols, table: table)
        }
    }

    static func mergeLinear(_ symbols: inout [Int32], table: PairTable) {
        var count = symbols.count
        if count < 2 { return }
        let none = Int32.max
        withUnsafeTemporaryAllocation(of: PairTable.Merge.self, capacity: count - 1) { pairs in
            symbols.withUnsafeMutableBufferPointer { sym in
                // pairs[i] is the merge of sym[i], sym[i + 1] (rank `none` when there is none).
                for i in 0..<(count - 1) {
                    pairs[i] = table.lookup(sym[i], sym[i + 1]) ?? PairTable.Merge(rank: none, result: -1)
                }
                while count > 1 {
                    var best = 0
                    var bestRank = pairs[0].rank
                    for i in 1..<(count - 1) where pairs[i].rank < bestRank {
                        bestRank = pairs[i].rank
                        best = i
                    }
                    if bestRank == none { break }
                    sym[best] = pairs[best].result
                    // Close the gap left by sym[best + 1] (and by its pair, one slot shorter).
                    for i in (best + 1)..<(count - 1) {
                        sym[i] = sym[i + 1]
                        if i + 1 < count - 1 { pairs[i] = pairs[i + 1] }
                    }
                    count -= 1
                    if best + 1 < count {
                        pairs[best] = table.lookup(sym[best], sym[best + 1]) ?? PairTable.Merge(rank: none, result: -1)
                    }
                    if best > 0 {
                        pairs[best - 1] = table.lookup(sym[best - 1], sym[best]) ?? PairTable.Merge(rank: none, result: -1)
                    }
                }
            }
        }
        symbols.removeLast(symbols.count - count)
    }

    static func mergeHeap(_ symbols: inout [Int32], table: PairTable) {
        let n = symbols.count
        if n < 2 { return }
        var next = [Int32](unsafeUninitializedCapacity: n) { buffer, initialized in
            for i in 0..<n { buffer[i] = i + 1 < n ? Int32(i + 1) : -1 }
            initialized = n
        }
        var prev = [Int32](unsafeUninitializedCapacity: n) { buffer, initialized in
            for i in 0..<n { buffer[i] = Int32(i - 1) }
            initialized = n
        }
        // Heap entries pack (rank, position) so integer order is (rank, leftmost).
        var heap = MinHeap()
        heap.reserve(n)
        for i in 0..<(n - 1) {
            if let m = table.lookup(symbols[i], symbols[i + 1]) { heap.push(pack(m.rank, i)) }
        }
        var removed = [Bool](repeating: false, count: n)
        while let top = heap.pop() {
            let rank = Int32(truncatingIfNeeded: top >> 32)
            let i = Int(UInt32(truncatingIfNeeded: top))
            // Stale entries: the symbol or its neighbour changed since this pair was pushed.
            if removed[i] { continue }
            let j = Int(next[i])
            if j < 0 { continue }
            guard let m = table.lookup(symbols[i], symbols[j]), m.rank == rank else { continue }
            symbols[i] = m.result
            removed[j] = true
            let k = next[j]
            next[i] = k
            if k >= 0 {
                prev[Int(k)] = Int32(i)
                if let right = table.lookup(symbols[i], symbols[Int(k)]) { heap.push(pack(right.rank, i)) }
            }
            let p = Int(prev[i])
            if p >= 0, let left = table.lookup(symbols[p], symbols[i]) { heap.push(pack(left.rank, p)) }
        }
        var write = 0
        for i in 0..<n where !removed[i] {
            symbols[write] = symbols[i]
            write += 1
        }
        symbols.removeLast(n - write)
    }

    @inline(__always)
    private static func pack(_ rank: Int32, _ position: Int) -> UInt64 {
        UInt64(UInt32(bitPattern: rank)) << 32 | UInt64(UInt32(truncatingIfNeeded: position))
    }
}

/// A binary min-heap of packed (rank, position) keys.
struct MinHeap {
    private var items: [UInt64] = []

    mutating func reserve(_ n: Int) { items.reserveCapacity(n) }

    mutating func push(_ value: UInt64) {
        items.append(value)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            if items[parent] <= items[i] { break }
            items.swapAt(parent, i)
            i = parent
        }
    }

    mutating func pop() -> UInt64? {
        guard let first = items.first else { return nil }
        let last = items.removeLast()
        if items.isEmpty { return first }
        items[0] = last
        var i = 0
        let n = items.count
        while true {
            let l = 2 * i + 1
            if l >= n { break }
            let r = l + 1
            let child = r < n && items[r] < items[l] ? r : l
            if items[i] <= items[child] { break }
            items.swapAt(i, child)
            i = child
        }
        return first
    }
}
