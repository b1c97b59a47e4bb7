/// Open-addressing hash map from a pair of token ids to the merge that joins them: the hot
/// lookup of BPE, kept free of `Dictionary`'s SipHash and boxing.
struct PairTable: Sendable {
    /// A merge: lower `rank` merges first; `result` is the id of the joined token.
    struct Merge: Equatable {
        var rank: Int32
        var result: Int32
    }

    private static let empty = UInt64.max
    private var keys: [UInt64]
    private var values: [Merge]
    private var mask: Int
    private(set) var count = 0

    init(expectedCount: Int) {
        var capacity = 16
        while capacity < expectedCount * 2 { capacity <<= 1 }
        keys = [UInt64](repeating: PairTable.empty, count: capacity)
        values = [Merge](repeating: Merge(rank: 0, result: 0), count: capacity)
        mask = capacity - 1
    }

    @inline(__always)
    private static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    @inline(__always)
    private static func slot(_ key: UInt64, _ mask: Int) -> Int {
        // Fibonacci hashing spreads the structured id pairs over the table.
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    /// Inserts or replaces the merge of a pair. A later duplicate replaces an earlier one, as
    /// Hugging Face's loader (which collects merges into a hash map) does.
    mutating func insert(left: Int32, right: Int32, merge: Merge) {
        if (count + 1) * 2 > keys.count { grow() }
        let key = PairTable.key(left, right)
        var i = PairTable.slot(key, mask)
        while keys[i] != PairTable.empty {
            if keys[i] == key {
                values[i] = merge
                return
            }
            i = (i + 1) & mask
        }
        keys[i] = key
        values[i] = merge
        count += 1
    }

    @inline(__always)
    func lookup(_ left: Int32, _ right: Int32) -> Merge? {
        let key = PairTable.key(left, right)
        return keys.withUnsafeBufferPointer { keys in
            var i = PairTable.slot(key, mask)
            while true {
                let k = keys[i]
                if k == key { return values[i] }
                if k == PairTable.empty { return nil }
                i = (i + 1) & mask
            }
        }
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldValues = values
        keys = [UInt64](repeating: PairTable.empty, count: oldKeys.count * 2)
        values = [Merge](repeating: Merge(rank: 0, result: 0), count: oldKeys.count * 2)
        mask = keys.count - 1
        count = 0
        for (i, key) in oldKeys.enumerated() where key != PairTable.empty {
            var j = PairTable.slot(key, mask)
            while keys[j] != PairTable.empty { j = (j + 1) & mask }
            keys[j] = key
            values[j] = oldValues[i]
            count += 1
        }
    }
}
