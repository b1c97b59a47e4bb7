import Foundation

/// Byte-level helpers of the normalize stage's hot loop.
enum UTF8Bytes {
    /// Appends the UTF-8 encoding of a scalar value (the caller's values are valid scalars).
    @inline(__always) static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        switch value {
        case 0..<0x80:
            bytes.append(UInt8(truncatingIfNeeded: value))
        case 0x80..<0x800:
            bytes.append(UInt8(truncatingIfNeeded: 0xC0 | value >> 6))
            bytes.append(UInt8(truncatingIfNeeded: 0x80 | value & 0x3F))
        case 0x800..<0x10000:
            bytes.append(UInt8(truncatingIfNeeded: 0xE0 | value >> 12))
            bytes.append(UInt8(truncatingIfNeeded: 0x80 | value >> 6 & 0x3F))
            bytes.append(UInt8(truncatingIfNeeded: 0x80 | value & 0x3F))
        default:
            bytes.append(UInt8(truncatingIfNeeded: 0xF0 | value >> 18))
            bytes.append(UInt8(truncatingIfNeeded: 0x80 | value >> 12 & 0x3F))
            bytes.append(UInt8(truncatingIfNeeded: 0x80 | value >> 6 & 0x3F))
            bytes.append(UInt8(truncatingIfNeeded: 0x80 | value & 0x3F))
        }
    }

    /// Whether two strings hold the same bytes: one memcmp (the generic `utf8.elementsEqual`
    /// walks both views an element at a time).
    static func same(_ a: String, _ b: String) -> Bool {
        var b = b
        return b.withUTF8 { same(a, $0) }
    }

    /// Whether a string's UTF-8 is exactly these bytes.
    static func same(_ a: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var a = a
        return a.withUTF8 { own in
            own.count == bytes.count && (own.isEmpty || memcmp(own.baseAddress!, bytes.baseAddress!, own.count) == 0)
        }
    }
}

/// Quick checks that a text is already in a normal form, so Foundation need not be asked.
enum UnicodeQuickCheck {
    /// Scalars that NFC leaves alone and that never compose with or reorder around their
    /// neighbours (NFC_Quick_Check = Yes, canonical combining class 0): Latin-1 and Latin
    /// Extended, general and CJK punctuation, kana (not the combining voicing marks U+3099-309A),
    /// CJK ideographs of Extension A and B to H (Cantonese writes 𡃉 𠻺 𠸏 from Extension B), but
    /// not the compatibility ideographs NFC replaces, Hangul syllables, full-width and small
    /// forms, emoji. A test checks every one of them against Foundation.
    static let nfcStarters: [ClosedRange<UInt32>] = [
        0x0000...0x02FF, 0x2010...0x2027, 0x2030...0x205E, 0x3000...0x3029, 0x3030...0x3098, 0x309B...0x30FF,
        0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7A3, 0xFE30...0xFE6F, 0xFF00...0xFFEF, 0x1F300...0x1FAFF,
        0x20000...0x2A6DF, 0x2A700...0x2EBEF, 0x30000...0x323AF,
    ]

    /// True when every scalar is one of `nfcStarters`, so NFC cannot change the text.
    static func isNFC(_ text: String) -> Bool {
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0000...0x02FF, 0x2010...0x2027, 0x2030...0x205E, 0x3000...0x3029, 0x3030...0x3098,
                 0x309B...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7A3, 0xFE30...0xFE6F,
                 0xFF00...0xFFEF, 0x1F300...0x1FAFF, 0x20000...0x2A6DF, 0x2A700...0x2EBEF, 0x30000...0x323AF:
                continue
            default:
                return false
            }
        }
        return true
    }

    /// Scalars NFKC leaves alone and never composes: ASCII, the CJK ideographs (not the
    /// compatibility ones) and the commonest ideographic marks 、。「」. Full-width forms and
    /// Latin-1 are not among them: NFKC folds them.
    static let nfkcStarters: [ClosedRange<UInt32>] = [
        0x0000...0x007F, 0x3001...0x3002, 0x300C...0x300D, 0x3400...0x4DBF, 0x4E00...0x9FFF,
    ]

    /// True when every scalar is one of `nfkcStarters`, so NFKC cannot change the text.
    static func isNFKC(_ text: String) -> Bool {
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0000...0x007F, 0x3001...0x3002, 0x300C...0x300D, 0x3400...0x4DBF, 0x4E00...0x9FFF: continue
            default: return false
            }
        }
        return true
    }
}
