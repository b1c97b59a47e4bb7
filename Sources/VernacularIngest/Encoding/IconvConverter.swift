#if canImport(Glibc)
import Glibc
#endif
import VernacularCore

/// A glibc iconv conversion from one encoding to UTF-8 that never stops on bad input: each
/// invalid or truncated sequence becomes U+FFFD and is counted.
final class IconvConverter {
    private let descriptor: iconv_t
    let encoding: TextEncoding
    private(set) var invalidSequences = 0
    private static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]

    init(from encoding: TextEncoding, path: String) throws {
        guard let name = encoding.iconvName else {
            throw IOError(path: path, message: "encoding \(encoding.rawValue) must be resolved before decoding")
        }
        let descriptor = iconv_open("UTF-8", name)
        guard Int(bitPattern: descriptor) != -1, let descriptor else {
            throw IOError(path: path, message: "this system's iconv cannot decode \(name)")
        }
        self.descriptor = descriptor
        self.encoding = encoding
    }

    deinit { iconv_close(descriptor) }

    /// Converts as much of `input` as forms whole characters, appending UTF-8 to `output`, and
    /// returns how many input bytes were used. With `final`, a trailing partial sequence is an
    /// invalid one; without it, it is left for the next call.
    func convert(_ input: UnsafeRawBufferPointer, final: Bool, into output: inout [UInt8]) -> Int {
        guard let base = input.baseAddress else {
            if final { flushState(into: &output) }
            return 0
        }
        var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: CChar.self))
        var inLeft = input.count
        var chunk = [UInt8](repeating: 0, count: max(256, input.count * 3 + 16))
        while inLeft > 0 {
            let (status, produced) = chunk.withUnsafeMutableBytes { out -> (Int, Int) in
                var outPointer: UnsafeMutablePointer<CChar>? = out.baseAddress!.assumingMemoryBound(to: CChar.self)
                var outLeft = out.count
                let status = iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft)
                return (status, out.count - outLeft)
            }
            let error = errno
            output.append(contentsOf: chunk[0..<produced])
            if status != -1 { break }
            switch error {
            case E2BIG:
                continue
            case EILSEQ:
                // Skip one byte and go on: a bad lead byte must not take the ASCII after it along.
                invalidSequences += 1
                output.append(contentsOf: Self.replacement)
                inPointer = inPointer! + 1
                inLeft -= 1
            case EINVAL:
                // A sequence cut by the end of this buffer.
                if final {
                    invalidSequences += 1
                    output.append(contentsOf: Self.replacement)
                    inLeft = 0
                } else {
                    return input.count - inLeft
                }
            default:
                invalidSequences += 1
                output.append(contentsOf: Self.replacement)
                inPointer = inPointer! + 1
                inLeft -= 1
            }
        }
        if final { flushState(into: &output) }
        return input.count - inLeft
    }

    /// Emits whatever a stateful decoder (Big5-HKSCS composes some pairs) still holds.
    private func flushState(into output: inout [UInt8]) {
        var chunk = [UInt8](repeating: 0, count: 64)
        let produced = chunk.withUnsafeMutableBytes { out -> Int in
            var outPointer: UnsafeMutablePointer<CChar>? = out.baseAddress!.assumingMemoryBound(to: CChar.self)
            var outLeft = out.count
            _ = iconv(descriptor, nil, nil, &outPointer, &outLeft)
            return out.count - outLeft
        }
        output.append(contentsOf: chunk[0..<produced])
    }

    /// Decodes a whole buffer at once.
    static func decode(_ bytes: [UInt8], from encoding: TextEncoding, path: String = "<memory>") throws -> (text: [UInt8], invalid: Int) {
        let converter = try IconvConverter(from: encoding, path: path)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 3 / 2)
        _ = bytes.withUnsafeBytes { converter.convert($0, final: true, into: &output) }
        return (output, converter.invalidSequences)
    }
}
