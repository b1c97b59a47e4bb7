/// Repairs UTF-8 text that was once decoded as Windows-1252 or Latin-1 ("å˜…" for 嘅, "â€™"
/// for ’), conservatively: within a run of non-ASCII characters, a sequence is replaced only when
/// its Windows-1252 bytes form one valid UTF-8 character that is Han or punctuation (three or four
/// bytes, so its first character is one of à..ô). Genuine Latin text ("café", "naïve") never
/// qualifies: an accented letter there is followed by ASCII, not by two more bytes of a sequence.
enum MojibakeRepair {
    /// The repaired text and the number of characters repaired, or nil when nothing needed repair.
    static func repair(_ text: String) -> (text: String, repairedCharacters: Int)? {
        guard mayHoldMojibake(text) else { return nil }
        var output = String.UnicodeScalarView()
        var run: [Unicode.Scalar] = []
        var repaired = 0
        for scalar in text.unicodeScalars {
            if scalar.value >= 0x80, windows1252Byte(scalar.value) != nil {
                run.append(scalar)
                continue
            }
            if !run.isEmpty {
                repaired += repairRun(run, into: &output)
                run.removeAll(keepingCapacity: true)
            }
            output.append(scalar)
        }
        if !run.isEmpty { repaired += repairRun(run, into: &output) }
        return repaired > 0 ? (String(output), repaired) : nil
    }

    /// Cheap test on the bytes: the lead byte of a three- or four-byte UTF-8 character
    /// (0xE0-0xF4) read as Windows-1252 is one of à..ô, whose own UTF-8 is 0xC3 0xA0-0xB4.
    /// Runs on every document, so it reads the contiguous bytes rather than the `utf8` view.
    static func mayHoldMojibake(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard bytes.count > 1 else { return false }
            for index in 0..<bytes.count - 1 where bytes[index] == 0xC3 {
                if (0xA0...0xB4).contains(bytes[index + 1]) { return true }
            }
            return false
        }
    }

    /// Appends the run with each qualifying sequence decoded; returns how many were.
    private static func repairRun(_ run: [Unicode.Scalar], into output: inout String.UnicodeScalarView) -> Int {
        let bytes = run.map { windows1252Byte($0.value)! }
        var repaired = 0
        var index = 0
        while index < bytes.count {
            let length = bytes[index] >= 0xF0 ? 4 : bytes[index] >= 0xE0 ? 3 : 0
            if length > 0, index + length <= bytes.count,
               let decoded = String(validating: bytes[index..<index + length], as: UTF8.self),
               let scalar = decoded.unicodeScalars.first, isHanOrPunctuation(scalar.value) {
                output.append(scalar)
                repaired += 1
                index += length
            } else {
                output.append(run[index])
                index += 1
            }
        }
        return repaired
    }

    static func isHanOrPunctuation(_ value: UInt32) -> Bool {
        switch value {
        case 0x2000...0x206F,  // General Punctuation: ’ “ ” … —
             0x3000...0x303F,  // CJK Symbols and Punctuation: 。「」
             0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x3FFFF,  // Han
             0xFF00...0xFFEF:  // full-width forms: ，？！
            return true
        default:
            return false
        }
    }

    /// The byte a Windows-1252 (or Latin-1) decoder turned into this scalar, or nil.
    static func windows1252Byte(_ value: UInt32) -> UInt8? {
        switch value {
        // Latin-1 and Windows-1252 agree here; 0x80-0x9F also come back as C1 controls from
        // Latin-1 decoders, and from Windows-1252 decoders for its five undefined bytes.
        case 0x00...0xFF: return UInt8(value)
        case 0x20AC: return 0x80
        case 0x201A: return 0x82
        case 0x0192: return 0x83
        case 0x201E: return 0x84
        case 0x2026: return 0x85
        case 0x2020: return 0x86
        case 0x2021: return 0x87
        case 0x02C6: return 0x88
        case 0x2030: return 0x89
        case 0x0160: return 0x8A
        case 0x2039: return 0x8B
        case 0x0152: return 0x8C
        case 0x017D: return 0x8E
        case 0x2018: return 0x91
        case 0x2019: return 0x92
        case 0x201C: return 0x93
        case 0x201D: return 0x94
        case 0x2022: return 0x95
        case 0x2013: return 0x96
        case 0x2014: return 0x97
        case 0x02DC: return 0x98
        case 0x2122: return 0x99
        case 0x0161: return 0x9A
        case 0x203A: return 0x9B
        case 0x0153: return 0x9C
        case 0x017E: return 0x9E
        case 0x0178: return 0x9F
        default: return nil
        }
    }
}
