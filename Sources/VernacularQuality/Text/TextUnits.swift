/// Splits text into the units Han-aware filters count: each Han character is one unit (the
/// script has no spaces, and one character is about two thirds of a word), and each run of
/// letters or digits of a spaced script is one unit (a word), lowercased. Everything else
/// (punctuation, spaces, symbols) separates units and is not one.
///
/// Units are 64-bit ids: a Han character is its scalar value, a word is a hash with the top bit
/// set, so the two never collide and n-grams can be hashed from ids without building strings.
public struct TextUnits: Sendable {
    /// Unit ids in order.
    public private(set) var ids: [UInt64] = []
    /// Characters in each unit (1 for Han), to weigh n-gram fractions by characters as Gopher does.
    public private(set) var lengths: [Int32] = []

    public init(_ text: String) {
        self.init(scalars: text.unicodeScalars, expected: text.utf8.count / 3)
    }

    /// Units of already decoded text (the quality filters decode a document once for all measures).
    init<Scalars: Sequence<Unicode.Scalar>>(scalars: Scalars, expected: Int) {
        ids.reserveCapacity(expected)
        lengths.reserveCapacity(expected)
        var wordHash: UInt64 = 0
        var wordLength: Int32 = 0
        for scalar in scalars {
            let value = scalar.value
            if CharacterKind.isHan(value) {
                if wordLength > 0 {
                    ids.append(wordHash | (1 << 63))
                    lengths.append(wordLength)
                    wordLength = 0
                }
                ids.append(UInt64(value))
                lengths.append(1)
            } else if CharacterKind.isWordCharacter(scalar) {
                let folded = value < 0x80 && value &- 0x41 < 26 ? value | 0x20 : value
                // FNV-1a over scalars.
                if wordLength == 0 { wordHash = 0xcbf2_9ce4_8422_2325 }
                wordHash = (wordHash ^ UInt64(folded)) &* 0x100_0000_01b3
                wordLength += 1
            } else if wordLength > 0 {
                ids.append(wordHash | (1 << 63))
                lengths.append(wordLength)
                wordLength = 0
            }
        }
        if wordLength > 0 {
            ids.append(wordHash | (1 << 63))
            lengths.append(wordLength)
        }
    }

    public var count: Int { ids.count }

    /// Hash of units `start..<start+n`: order-sensitive, so 我食飯 and 飯食我 differ.
    @inline(__always)
    public func ngramHash(at start: Int, length n: Int) -> UInt64 {
        ids.withUnsafeBufferPointer { Self.ngramHash($0, at: start, length: n) }
    }

    /// The same over borrowed ids, for loops that hash every start.
    @inline(__always)
    static func ngramHash(_ ids: UnsafeBufferPointer<UInt64>, at start: Int, length n: Int) -> UInt64 {
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 &* UInt64(n)
        for index in start..<(start + n) {
            hash = (hash ^ ids[index]) &* 0xBF58_476D_1CE4_E5B9
            hash ^= hash >> 31
        }
        return hash
    }
}

/// Character classes the filters need, by code point.
public enum CharacterKind {
    /// CJK unified ideographs (with extensions A-H), compatibility ideographs and the
    /// ideographic iteration mark 々. Cantonese-specific characters (嘅 咗 𡃉) are in these blocks.
    @inline(__always)
    public static func isHan(_ value: UInt32) -> Bool {
        switch value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x323AF, 0xF900...0xFAFF, 0x2F800...0x2FA1F, 0x3005:
            return true
        default: return false
        }
    }

    /// Letters and digits of spaced scripts (Latin, Greek, Cyrillic, ...), which form words.
    @inline(__always)
    public static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 { return (value | 0x20) &- 0x61 < 26 || value &- 0x30 < 10 }
        if value < 0x10000 { return basicPlane[Int(value)] & wordBit != 0 }
        return isWordCharacterByProperties(scalar)
    }

    /// Letters of any script (Han, kana and hangul included), not digits.
    @inline(__always)
    public static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 { return (value | 0x20) &- 0x61 < 26 }
        if value < 0x10000 { return basicPlane[Int(value)] & letterBit != 0 }
        return isLetterByProperties(scalar)
    }

    /// The definitions, from Unicode properties: the fast paths above must agree with them.
    static func isWordCharacterByProperties(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic && !isHan(scalar.value) || scalar.properties.numericType != nil
    }

    static func isLetterByProperties(_ scalar: Unicode.Scalar) -> Bool {
        isHan(scalar.value) || scalar.properties.isAlphabetic
    }

    private static let letterBit: UInt8 = 1
    private static let wordBit: UInt8 = 2
    /// Both classes for every Basic Multilingual Plane scalar, worked out once (64 KiB): looking
    /// up the properties of each CJK punctuation mark was 3% of the quality chain (perf).
    private static let basicPlane: [UInt8] = (0..<0x10000).map { value in
        guard let scalar = Unicode.Scalar(UInt32(value)) else { return 0 }  // surrogates
        return (isLetterByProperties(scalar) ? letterBit : 0) | (isWordCharacterByProperties(scalar) ? wordBit : 0)
    }

    @inline(__always)
    public static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        // The whole Unicode White_Space set, listed: looking up scalar properties for every
        // Han character was 8% of the quality stage (perf, bench/quality).
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }
}
