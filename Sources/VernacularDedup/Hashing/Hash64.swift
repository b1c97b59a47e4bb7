/// A fast, seeded 64-bit hash for shingles, lines and whole texts, written for this project in
/// the style of wyhash: each step multiplies two 64-bit words to 128 bits and folds the halves,
/// which mixes every input bit into every output bit in one multiply. Not for security.
///
/// The values are part of the on-disk format of a dedup work folder (band hashes, signatures),
/// so `HashTests` pins a few of them: changing the constants is a format change.
public enum Hash64 {
    // Odd 64-bit constants with about half their bits set (from the digits of pi and e);
    // any such constants work, they only have to stay fixed.
    @usableFromInline static let p0: UInt64 = 0x243F_6A88_85A3_08D3
    @usableFromInline static let p1: UInt64 = 0x1319_8A2E_0370_7345
    @usableFromInline static let p2: UInt64 = 0xA409_3822_299F_31D1
    @usableFromInline static let p3: UInt64 = 0xB7E1_5162_8AED_2A6B

    /// Multiplies to 128 bits and folds: the core mixing step.
    @inlinable @inline(__always)
    public static func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.high ^ product.low
    }

    /// Hashes one 64-bit value (a code point, a token hash, a previous hash) under a seed.
    @inlinable @inline(__always)
    public static func mix(_ value: UInt64, seed: UInt64) -> UInt64 {
        fold(fold(value ^ p0, seed ^ p1) ^ value, p2)
    }

    /// Hashes a byte string under a seed, eight bytes per step.
    @inlinable
    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        var state = seed ^ fold(UInt64(bytes.count) ^ p0, p1)
        var offset = 0
        let count = bytes.count
        while offset + 8 <= count {
            let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            state = fold(word ^ p1, state ^ p2)
            offset += 8
        }
        if offset < count {
            // The tail, zero-padded; the length was folded in above, so "a" and "a\0" differ.
            var tail: UInt64 = 0
            for index in offset..<count { tail |= UInt64(bytes[index]) << UInt64(8 * (index - offset)) }
            state = fold(tail ^ p3, state ^ p2)
        }
        return fold(state ^ p0, p3)
    }

    public static func hash(_ text: String, seed: UInt64 = 0) -> UInt64 {
        var copy = text
        return copy.withUTF8 { hash(UnsafeRawBufferPointer($0), seed: seed) }
    }

    public static func hash(_ bytes: [UInt8], seed: UInt64 = 0) -> UInt64 {
        bytes.withUnsafeBytes { hash($0, seed: seed) }
    }
}
