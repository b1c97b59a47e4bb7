/// Counts n-gram hashes in an open-addressing table with linear probing.
///
/// `TextUnits.ngramHash` values are already well mixed, so the slot is the hash's low bits:
/// Swift's `Set`/`Dictionary` would hash them again with SipHash, which was a third of the
/// quality stage's time (perf, bench/quality). Key 0 marks an empty slot, so a hash of 0 is
/// stored as 1 (one more collision in 2^64, like any other).
struct NGramCounter {
    private var keys: [UInt64]
    private var counts: [Int32]
    private var firsts: [Int32]
    private var mask: Int
    /// Slots filled since the last reset: clearing only these keeps one table reusable across
    /// the nine n-gram passes of a document (a fresh table each pass was gigabytes of memset).
    private var used: [Int] = []

    /// A table for up to `capacity` distinct n-grams at most half full.
    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = [UInt64](repeating: 0, count: size)
        counts = [Int32](repeating: 0, count: size)
        firsts = [Int32](repeating: 0, count: size)
        mask = size - 1
    }

    /// Empties the table, growing it if `capacity` distinct n-grams would fill it past half.
    mutating func reset(capacity: Int) {
        if capacity * 2 > keys.count {
            self = NGramCounter(capacity: capacity)
            return
        }
        for slot in used { keys[slot] = 0 }
        used.removeAll(keepingCapacity: true)
    }

    /// Adds one occurrence of `hash` starting at unit `start`; returns the count so far and the
    /// start of its first occurrence.
    @inline(__always)
    mutating func add(_ hash: UInt64, at start: Int) -> (count: Int, first: Int) {
        let key = hash == 0 ? 1 : hash
        var slot = Int(truncatingIfNeeded: key) & mask
        while true {
            let k = keys[slot]
            if k == key {
                counts[slot] += 1
                return (Int(counts[slot]), Int(firsts[slot]))
            }
            if k == 0 {
                keys[slot] = key
                counts[slot] = 1
                firsts[slot] = Int32(truncatingIfNeeded: start)
                used.append(slot)
                return (1, start)
            }
            slot = (slot + 1) & mask
        }
    }
}
