/// Character classes the splitter and the feature extractor agree on.
enum CharacterClass {
    /// CJK ideographs: the unified blocks, extension A, compatibility ideographs and the
    /// supplementary planes (where many Cantonese characters such as 𡃉 𠻹 live).
    @inline(__always)
    static func isHan(_ v: UInt32) -> Bool {
        (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v) || (0xF900...0xFAFF).contains(v)
            || (0x20000...0x3134F).contains(v)
    }

    /// ASCII letters and their full-width forms.
    @inline(__always)
    static func isLatinLetter(_ v: UInt32) -> Bool {
        (0x41...0x5A).contains(v) || (0x61...0x7A).contains(v) || (0xFF21...0xFF3A).contains(v)
            || (0xFF41...0xFF5A).contains(v) || (0xC0...0x24F).contains(v) && v != 0xD7 && v != 0xF7
    }

    @inline(__always)
    static func isUpperLatin(_ v: UInt32) -> Bool {
        (0x41...0x5A).contains(v) || (0xFF21...0xFF3A).contains(v) || (0xC0...0xDE).contains(v)
    }

    /// A letter of a writing system we do not model (kana, hangul, Cyrillic, Thai, ...): its text is `other`.
    @inline(__always)
    static func isOtherLetter(_ v: UInt32) -> Bool {
        (0x3040...0x30FF).contains(v) || (0xAC00...0xD7AF).contains(v) || (0x0370...0x03FF).contains(v)
            || (0x0400...0x04FF).contains(v) || (0x0590...0x06FF).contains(v) || (0x0E00...0x0E7F).contains(v)
            || (0x0900...0x097F).contains(v)
    }

    @inline(__always)
    static func isDigit(_ v: UInt32) -> Bool { (0x30...0x39).contains(v) || (0xFF10...0xFF19).contains(v) }

    @inline(__always)
    static func isSpace(_ v: UInt32) -> Bool { v == 0x20 || v == 0x09 || v == 0x0A || v == 0x0D || v == 0x3000 || v == 0xA0 }
}
