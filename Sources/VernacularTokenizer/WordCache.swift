import Foundation

/// A bounded, direct-mapped cache from a pre-tokenised word's bytes to its token ids.
/// Natural text repeats a small set of words, so most words skip BPE. Direct mapping keeps the
/// memory fixed and eviction free: a colliding word simply replaces the slot.
final class WordCache: @unchecked Sendable {
    /// Words longer than this are not cached (rare, and they would pin memory).
    static let maxWordBytes = 48

    private struct Entry {
        var hash: UInt64 = 0
        var bytes: [UInt8] = []
        var ids: [Int32] = []
    }

    private let lock = NSLock()
    private var entries: [Entry]
    private let mask: Int

    /// `slots` is rounded up to a power of two.
    init(slots: Int) {
        var capacity = 1
        while capacity < max(slots, 1) { capacity <<= 1 }
        entries = [Entry](repeating: Entry(), count: capacity)
        mask = capacity - 1
    }

    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        // FNV-1a: short keys, no setup cost.
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    /// Appends the cached ids for `bytes` to `output` and returns true, or returns false.
    func lookup(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64, into output: inout [Int32]) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        let slot = Int(truncatingIfNeeded: hash) & mask
        guard entries[slot].hash == hash, entries[slot].bytes.elementsEqual(bytes) else { return false }
        output.append(contentsOf: entries[slot].ids)
        return true
    }

    func store(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64, ids: [Int32]) {
        let entry = Entry(hash: hash, bytes: Array(bytes), ids: ids)
        lock.lock()
        entries[Int(truncatingIfNeeded: hash) & mask] = entry
        lock.unlock()
    }
}
