import Foundation

/// Unicode NFC (Qwen's normaliser), skipping Foundation when the text cannot change.
enum NFC {
    /// True when every scalar lies in a block that is NFC-stable and cannot compose with its
    /// neighbours (ASCII to Latin Extended-B, CJK symbols bar the tone marks U+302A-302F, kana bar
    /// the combining sound marks, CJK ideographs,
    /// Hangul syllables, full-width forms, emoji). Such text is already NFC; any other scalar sends
    /// the whole segment through Foundation.
    static func isTriviallyNormalized(_ scalars: some Sequence<UInt32>) -> Bool {
        for v in scalars {
            if v < 0x300 { continue }
            switch v {
            case 0x3000...0x3029, 0x3030...0x3098, 0x309B...0x30FF, 0x3400...0x9FFF, 0xAC00...0xD7A3, 0xFF00...0xFFEF,
                0x1F000...0x1FAFF:
                continue
            default:
                return false
            }
        }
        return true
    }

    static func normalize(_ text: String) -> String {
        text.precomposedStringWithCanonicalMapping
    }
}
