/// Counts n-gram hashes in an open-addressing table with linear probing.
///
/// `TextUnits.ngramHash` values are already well mixed, so the slot is the hash's low bits:
/// Swift's `Set`/`Dictionary` would hash them again with SipHash, which was a third of the
/// quality stage's time (perf, bench/quality). Key 0 marks an empty slot, so a hash of 0 is
/// stored as 1 (one more collision in 2^64, like any other).
///
/// Key, count and first start share one 16-byte slot (one cache line touch per probe), in
/// memory this counter owns: array stores would check uniqueness on every write.
final class NGramCounter {
    private struct Slot {
        var key: UInt64
        var count: Int32
        var first: Int32
    }

    private var slots: UnsafeMutablePointer<Slot>
    private var size: Int
    /// Slots filled since the last reset: clearing only these keeps one table reusable across
    /// the nine n-gram passes of a document (a fresh table each pass was gigabytes of memset).
    private var used: UnsafeMutablePointer<Int32>
    private var usedCount = 0

    /// A table for up to `capacity` distinct n-grams at most half full.
    init(capacity: Int) {
        size = Self.size(for: capacity)
        slots = .allocate(capacity: size)
        slots.initialize(repeating: Slot(key: 0, count: 0, first: 0), count: size)
        used = .allocate(capacity: size)
    }

    deinit {
        slots.deallocate()
        used.deallocate()
    }

    private static func size(for capacity: Int) -> Int {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        return size
    }

    /// Empties the table, growing it if `capacity` distinct n-grams would fill it past half.
    func reset(capacity: Int) {
        if capacity * 2 > size {
            slots.deallocate()
            used.deallocate()
            size = Self.size(for: capacity)
            slots = .allocate(capacity: size)
            slots.initialize(repeating: Slot(key: 0, count: 0, first: 0), count: size)
            used = .allocate(capacity: size)
        } else {
            for index in 0..<usedCount { slots[Int(used[index])].key = 0 }
        }
        usedCount = 0
    }

    /// Adds one occurrence of `hash` starting at unit `start`; returns the count so far and the
    /// start of its first occurrence. At most `capacity` distinct hashes fit between resets.
    @inline(__always)
    func add(_ hash: UInt64, at start: Int) -> (count: Int, first: Int) {
        let key = hash == 0 ? 1 : hash
        let mask = size - 1
        var slot = Int(truncatingIfNeeded: key) & mask
        while true {
            let k = slots[slot].key
            if k == key {
                slots[slot].count += 1
                return (Int(slots[slot].count), Int(slots[slot].first))
            }
            if k == 0 {
                precondition(usedCount < size / 2, "NGramCounter: more distinct n-grams than its capacity")
                slots[slot] = Slot(key: key, count: 1, first: Int32(truncatingIfNeeded: start))
                used[usedCount] = Int32(truncatingIfNeeded: slot)
                usedCount += 1
                return (1, start)
            }
            slot = (slot + 1) & mask
        }
    }
}
