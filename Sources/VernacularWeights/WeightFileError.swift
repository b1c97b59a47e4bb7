// Errors for weight files (GGUF, safetensors): each names the file, what was wrong and,
// where it applies, the tensor, so a bad download is diagnosed from the message alone.

/// An error reading a weight file: the file, the tensor if any, and what was wrong.
public struct WeightFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What was wrong with the file.
    public enum Reason: Equatable, Sendable {
        /// The file could not be opened or mapped (the system's message).
        case cannotOpen(String)
        /// The file ended at `offset` while `needed` more bytes of `what` were expected.
        case truncated(what: String, offset: Int, needed: Int)
        /// The first bytes are not the format's magic.
        case badMagic(found: String)
        /// A format version this reader does not understand.
        case unsupportedVersion(UInt32)
        /// A count or length that cannot fit in the rest of the file (or exceeds a sane limit).
        case implausibleCount(what: String, value: UInt64)
        /// A metadata value type code that the format does not define.
        case unknownValueType(UInt32)
        /// A tensor's ggml type code that is unknown, or known but not dequantisable here.
        case unsupportedTensorType(String)
        /// Dimensions whose element or byte count overflows, or that do not fit the type's blocks.
        case invalidShape(String)
        /// A tensor whose data starts or ends outside the file's data section.
        case dataOutOfBounds(start: UInt64, end: UInt64, limit: Int)
        /// Two tensors share one name, or two tensors' bytes overlap.
        case duplicateOrOverlap(String)
        /// No tensor of that name exists in the file.
        case tensorNotFound
        /// The header is structurally wrong (bad JSON, missing fields, bad alignment ...).
        case malformedHeader(String)
        /// A destination buffer of the wrong size was passed in.
        case sizeMismatch(expected: Int, got: Int)
    }

    /// Path of the file that was being read.
    public let path: String
    /// The tensor concerned, if the problem is about one tensor.
    public let tensor: String?
    /// What was wrong.
    public let reason: Reason

    /// Creates an error for `path`, optionally about one tensor.
    public init(path: String, tensor: String? = nil, _ reason: Reason) {
        self.path = path
        self.tensor = tensor
        self.reason = reason
    }

    public var description: String {
        var head = path
        if let tensor { head += ": tensor '\(tensor)'" }
        return head + ": " + reasonText
    }

    private var reasonText: String {
        switch reason {
        case .cannotOpen(let message):
            return "cannot open: \(message)"
        case .truncated(let what, let offset, let needed):
            return "file truncated: needed \(needed) more byte(s) for \(what) at offset \(offset)"
        case .badMagic(let found):
            return "not the expected format (magic \(found))"
        case .unsupportedVersion(let version):
            return "unsupported format version \(version)"
        case .implausibleCount(let what, let value):
            return "implausible \(what): \(value)"
        case .unknownValueType(let code):
            return "unknown metadata value type \(code)"
        case .unsupportedTensorType(let name):
            return "unsupported tensor type \(name)"
        case .invalidShape(let message):
            return "invalid shape: \(message)"
        case .dataOutOfBounds(let start, let end, let limit):
            return "tensor data [\(start), \(end)) lies outside the data section (size \(limit))"
        case .duplicateOrOverlap(let message):
            return message
        case .tensorNotFound:
            return "no such tensor"
        case .malformedHeader(let message):
            return "malformed header: \(message)"
        case .sizeMismatch(let expected, let got):
            return "destination holds \(got) floats, tensor has \(expected)"
        }
    }
}
