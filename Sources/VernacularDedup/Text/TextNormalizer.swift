import Foundation

/// Which differences two texts may have and still count as the same text. Every option is on
/// by default: reposts of the same Cantonese story differ in full- vs half-width forms, spacing,
/// punctuation and dates far more often than in wording.
public struct TextNormalization: Sendable, Equatable, Codable {
    /// Unicode NFKC, so full-width ｌａｔｉｎ, ２０２６ and compatibility ideographs match their
    /// ordinary forms.
    public var nfkc = true
    public var lowercase = true
    /// Runs of whitespace become one space, or none next to a Han character; leading and
    /// trailing whitespace go.
    public var foldWhitespace = true
    /// Punctuation (Unicode category P*) is removed: ，vs , and 。vs . are typing habits.
    public var stripPunctuation = true
    /// Every decimal digit becomes 0, so pages that differ only in dates, counters or prices match.
    public var digitsToZero = true

    public init(nfkc: Bool = true, lowercase: Bool = true, foldWhitespace: Bool = true,
                stripPunctuation: Bool = true, digitsToZero: Bool = true) {
        self.nfkc = nfkc
        self.lowercase = lowercase
        self.foldWhitespace = foldWhitespace
        self.stripPunctuation = stripPunctuation
        self.digitsToZero = digitsToZero
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case nfkc, lowercase
        case foldWhitespace = "fold_whitespace", stripPunctuation = "strip_punctuation", digitsToZero = "digits_to_zero"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        nfkc = try c.decodeIfPresent(Bool.self, forKey: .nfkc) ?? true
        lowercase = try c.decodeIfPresent(Bool.self, forKey: .lowercase) ?? true
        foldWhitespace = try c.decodeIfPresent(Bool.self, forKey: .foldWhitespace) ?? true
        stripPunctuation = try c.decodeIfPresent(Bool.self, forKey: .stripPunctuation) ?? true
        digitsToZero = try c.decodeIfPresent(Bool.self, forKey: .digitsToZero) ?? true
    }
}

/// Applies a `TextNormalization`; the scalar-level pieces are shared with the shingler so exact
/// and near-duplicate detection agree on what "the same character" means.
public struct TextNormalizer: Sendable {
    public let options: TextNormalization

    public init(_ options: TextNormalization = TextNormalization()) { self.options = options }

    /// The normalised text as UTF-8, appended to `out` (cleared first) so callers reuse one buffer.
    public func normalize(_ text: String, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        let source = options.nfkc ? TextNormalizer.nfkc(text, strippingPunctuation: options.stripPunctuation) : text
        // A removed punctuation mark separates like a space ("hello,world" = "hello world"), and
        // a space next to a Han (or other unspaced-script) character is dropped: spacing between
        // Cantonese characters is a habit of the writer or the converter, not part of the text.
        var pendingSpace = false
        var previous = ScalarClass.space
        for original in source.unicodeScalars {
            let scalar = options.nfkc ? TextNormalizer.widthFolded(original) : original
            let kind = ScalarClass.of(scalar)
            switch kind {
            case .space where options.foldWhitespace:
                pendingSpace = !out.isEmpty
                continue
            case .punctuation where options.stripPunctuation:
                if options.foldWhitespace { pendingSpace = !out.isEmpty }
                continue
            default:
                break
            }
            if pendingSpace {
                if previous != .character, kind != .character { out.append(0x20) }
                pendingSpace = false
            }
            appendNormalized(scalar, kind: kind, to: &out)
            previous = kind
        }
    }

    public func normalize(_ text: String) -> String {
        var bytes: [UInt8] = []
        normalize(text, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Lowercases and zeroes digits as configured; everything else is copied.
    @inline(__always)
    func appendNormalized(_ scalar: Unicode.Scalar, kind: ScalarClass, to out: inout [UInt8]) {
        if kind == .digit, options.digitsToZero {
            out.append(0x30)
            return
        }
        if options.lowercase, kind == .letter {
            if scalar.value < 0x80 {
                let byte = UInt8(scalar.value)
                out.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
                return
            }
            if scalar.properties.changesWhenLowercased {
                out.append(contentsOf: scalar.properties.lowercaseMapping.utf8)
                return
            }
        }
        appendUTF8(scalar, to: &out)
    }

    /// NFKC through Foundation, skipped when every scalar is one NFKC leaves alone (ASCII, the
    /// main CJK ideograph blocks, 、。「」『』) or one `widthFolded` maps the way NFKC would
    /// (full-width ASCII such as ，！？, the ideographic space): most Cantonese text, and the hot
    /// path. Callers that skip Foundation this way must pass every scalar through `widthFolded`.
    /// With `strippingPunctuation`, the caller also promises to drop punctuation, so marks whose
    /// NFKC is punctuation too (… ︰ ﹐) need no mapping either.
    public static func nfkc(_ text: String, strippingPunctuation: Bool = false) -> String {
        for scalar in text.unicodeScalars where !isNFKCStable(scalar.value) && !isWidthFoldable(scalar.value) {
            if strippingPunctuation, isPunctuationToPunctuation(scalar.value) { continue }
            return text.precomposedStringWithCompatibilityMapping
        }
        return text
    }

    /// Scalars NFKC leaves alone and that never compose with a neighbour (checked against
    /// Python's unicodedata): ASCII, CJK ideographs (URO, extensions A-G, not the compatibility
    /// blocks), CJK brackets and common quotes and dashes.
    @inline(__always)
    static func isNFKCStable(_ value: UInt32) -> Bool {
        if value < 0x80 || (value >= 0x4E00 && value <= 0x9FFF) || (value >= 0x3400 && value <= 0x4DBF) { return true }
        switch value {
        case 0x3001, 0x3002, 0x3008...0x3011, 0x00B7, 0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D,
             0x20000...0x2A6DF, 0x2A700...0x2EBEF, 0x30000...0x3134F:
            return true
        default:
            return false
        }
    }

    /// Punctuation whose NFKC form is punctuation: … (U+2026) and the small and vertical forms
    /// U+FE30, U+FE50-FE57.
    @inline(__always)
    static func isPunctuationToPunctuation(_ value: UInt32) -> Bool {
        value == 0x2026 || value == 0xFE30 || (value >= 0xFE50 && value <= 0xFE57 && value != 0xFE53)
    }

    @inline(__always)
    static func isWidthFoldable(_ value: UInt32) -> Bool {
        (value >= 0xFF01 && value <= 0xFF5E) || value == 0x3000
    }

    /// NFKC's mapping of full-width ASCII (U+FF01-FF5E, to U+0021-007E) and the ideographic space
    /// (to U+0020); other scalars unchanged. Idempotent, so applying it after Foundation's NFKC
    /// is harmless.
    @inline(__always)
    static func widthFolded(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        let value = scalar.value
        if value >= 0xFF01 && value <= 0xFF5E { return Unicode.Scalar(value - 0xFEE0)! }
        if value == 0x3000 { return " " }
        return scalar
    }
}

/// The few classes of scalar that normalisation and tokenisation care about.
enum ScalarClass: Equatable {
    /// Written without spaces between words (Han, kana, Thai, ...): one scalar is one token.
    case character
    case letter
    case digit
    /// Combining marks continue the word they follow.
    case mark
    case space
    case punctuation
    case other

    @inline(__always)
    static func of(_ scalar: Unicode.Scalar) -> ScalarClass {
        let value = scalar.value
        if value < 0x80 {
            switch value {
            case 0x30...0x39: return .digit
            case 0x41...0x5A, 0x61...0x7A: return .letter
            case 0x09...0x0D, 0x20: return .space
            case 0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E:
                // ASCII symbols ($ + < = > ^ ` | ~) are "other", the rest punctuation, as in Unicode.
                switch value {
                case 0x24, 0x2B, 0x3C, 0x3D, 0x3E, 0x5E, 0x60, 0x7C, 0x7E: return .other
                default: return .punctuation
                }
            default: return .other
            }
        }
        if (value >= 0x4E00 && value <= 0x9FFF) || (value >= 0x3400 && value <= 0x4DBF) { return .character }
        if isCharacterScript(value) { return .character }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return .letter
        case .decimalNumber: return .digit
        case .letterNumber, .otherNumber: return .letter
        case .nonspacingMark, .spacingMark, .enclosingMark: return .mark
        case .spaceSeparator, .lineSeparator, .paragraphSeparator: return .space
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation: return .punctuation
        case .control: return scalar.properties.isWhitespace ? .space : .other
        default: return .other
        }
    }

    /// Scripts written without spaces between words, where a "word" tokenizer would see whole
    /// clauses as one token: Han (all extensions and compatibility ideographs), kana, Thai, Lao,
    /// Khmer, Myanmar.
    @inline(__always)
    static func isCharacterScript(_ value: UInt32) -> Bool {
        switch value {
        case 0x3040...0x30FF, 0x31F0...0x31FF,  // hiragana, katakana
             0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x3FFFF,  // Han
             0x0E00...0x0EFF,  // Thai, Lao
             0x1000...0x109F,  // Myanmar
             0x1780...0x17FF:  // Khmer
            return true
        default:
            return false
        }
    }
}

@inline(__always)
func appendUTF8(_ scalar: Unicode.Scalar, to out: inout [UInt8]) {
    let value = scalar.value
    switch value {
    case 0..<0x80:
        out.append(UInt8(value))
    case 0x80..<0x800:
        out.append(UInt8(0xC0 | (value >> 6)))
        out.append(UInt8(0x80 | (value & 0x3F)))
    case 0x800..<0x10000:
        out.append(UInt8(0xE0 | (value >> 12)))
        out.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
        out.append(UInt8(0x80 | (value & 0x3F)))
    default:
        out.append(UInt8(0xF0 | (value >> 18)))
        out.append(UInt8(0x80 | ((value >> 12) & 0x3F)))
        out.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
        out.append(UInt8(0x80 | (value & 0x3F)))
    }
}
