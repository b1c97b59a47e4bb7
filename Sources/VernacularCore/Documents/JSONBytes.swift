/// The byte scan that JSON strings share in both directions: a string's plain run ends at a
/// quote, a backslash or a control character, and everything else (UTF-8 Han text included)
/// is copied as is. Reading and writing documents is a hot path, so the scan looks at eight
/// bytes per step; `firstSpecialByteSimple` is the reference it is tested against.
enum JSONBytes {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Index of the first byte at or after `start` that is `"`, `\` or below 0x20, or
    /// `bytes.count` when there is none.
    @inline(__always)
    static func firstSpecialByte(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start
        let count = bytes.count
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            while index + 8 <= count {
                let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                // Per byte, the high bit of `found` is set where the byte is special; borrows can
                // only mark bytes above a real match, so the lowest mark is exact.
                let control = (word &- ones &* 0x20) & ~word
                let quote = word ^ (ones &* 0x22)
                let backslash = word ^ (ones &* 0x5C)
                let found = (control | ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)) & highs
                if found != 0 { return index + found.trailingZeroBitCount / 8 }
                index += 8
            }
        }
        while index < count {
            let byte = bytes[index]
            if byte < 0x20 || byte == 0x22 || byte == 0x5C { return index }
            index += 1
        }
        return count
    }

    /// The same, a byte at a time.
    static func firstSpecialByteSimple(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start
        while index < bytes.count, !(bytes[index] < 0x20 || bytes[index] == 0x22 || bytes[index] == 0x5C) { index += 1 }
        return index
    }
}
