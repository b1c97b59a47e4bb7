/// The character classes the pre-tokenisation patterns test (`\p{L}`, `\p{N}`, `\s`, `[\r\n]`).
/// One byte per scalar so the splitters compare small integers in their loops.
enum ScalarClass: UInt8 {
    case letter, number, newline, space, otherWhitespace, other

    /// `\s`: Unicode White_Space, as Oniguruma (used by Hugging Face `tokenizers`) reads it.
    var isWhitespace: Bool { self == .newline || self == .space || self == .otherWhitespace }

    init(_ scalar: Unicode.Scalar) {
        let value = scalar.value
        if value < 128 {
            self = ScalarClass.ascii[Int(value)]
            return
        }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            self = .letter
        case .decimalNumber, .letterNumber, .otherNumber:
            self = .number
        default:
            self = scalar.properties.isWhitespace ? .otherWhitespace : .other
        }
    }

    private static let ascii: [ScalarClass] = (0..<128).map { value in
        let scalar = Unicode.Scalar(UInt8(value))
        switch scalar {
        case "\r", "\n": return .newline
        case " ": return .space
        case "\t", "\u{0B}", "\u{0C}": return .otherWhitespace
        case "a"..."z", "A"..."Z": return .letter
        case "0"..."9": return .number
        default: return .other
        }
    }
}

extension ScalarClass {
    /// The class of a scalar value, through a table for the Basic Multilingual Plane: asking
    /// Unicode properties for every Han character is the slowest part of counting words.
    @inline(__always)
    static func of(_ value: UInt32) -> ScalarClass {
        value < 0x10000 ? bmp[Int(value)] : ScalarClass(Unicode.Scalar(value) ?? "\u{FFFD}")
    }

    /// Surrogate code points are not scalars and never occur in Swift strings; they read as other.
    private static let bmp: [ScalarClass] = (0..<0x10000).map { value in
        Unicode.Scalar(UInt32(value)).map(ScalarClass.init) ?? .other
    }
}
