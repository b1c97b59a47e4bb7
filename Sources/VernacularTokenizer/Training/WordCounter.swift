/// Counts distinct byte strings (pre-tokenised words) without an allocation per word: the bytes
/// of each distinct word live once in one arena, and an open-addressing table of indices finds
/// them. A 100 MB corpus has hundreds of millions of word occurrences but far fewer distinct
/// words, so the hot path is one hash and one comparison per occurrence.
struct WordCounter {
    /// Bytes of every distinct word, back to back.
    private(set) var arena: [UInt8] = []
    /// Word index -> start of its bytes in `arena` (one extra entry closes the last word).
    private(set) var starts: [Int] = [0]
    /// Word index -> occurrences.
    private(set) var counts: [Int] = []
    private var hashes: [UInt64] = []
    /// Slot -> word index + 1 (0 = empty). Kept at most half full.
    private var slots: [Int32] = Array(repeating: 0, count: 1 << 16)

    var distinctWords: Int { counts.count }

    /// The bytes of word `index`.
    func bytes(of index: Int) -> ArraySlice<UInt8> { arena[starts[index]..<starts[index + 1]] }

    /// Adds one occurrence of `word` (at least one byte).
    mutating func add(_ word: UnsafeBufferPointer<UInt8>, times: Int = 1) {
        let hash = Self.hash(word)
        var mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { break }
            let index = entry - 1
            if hashes[index] == hash && equals(index, word) {
                counts[index] += times
                return
            }
            slot = (slot + 1) & mask
        }
        let index = counts.count
        arena.append(contentsOf: word)
        starts.append(arena.count)
        counts.append(times)
        hashes.append(hash)
        slots[slot] = Int32(index + 1)
        if counts.count * 2 > slots.count {
            slots = Array(repeating: 0, count: slots.count * 2)
            mask = slots.count - 1
            for (i, h) in hashes.enumerated() {
                var s = Int(truncatingIfNeeded: h) & mask
                while slots[s] != 0 { s = (s + 1) & mask }
                slots[s] = Int32(i + 1)
            }
        }
    }

    private func equals(_ index: Int, _ word: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = starts[index]
        guard starts[index + 1] - start == word.count else { return false }
        return arena.withUnsafeBufferPointer { a in
            for i in 0..<word.count where a[start + i] != word[i] { return false }
            return true
        }
    }

    /// FNV-1a, then a final mix so the low bits (the slot) depend on every byte.
    private static func hash(_ word: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in word { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        return h
    }
}
