import VernacularCore

/// A byte source that hands out UTF-8 whatever the file's encoding: it looks at the first
/// 64 KiB to resolve the encoding (BOM, declared or detected), then converts chunk by chunk with
/// iconv. Invalid sequences become U+FFFD and are counted; nothing on bad bytes throws.
public final class DecodingByteSource: ByteSource {
    private let source: any ByteSource
    /// The encoding the file is read in, once resolved.
    public let encoding: TextEncoding
    private let converter: IconvConverter
    /// Undecoded input: the sample first, then chunks of the file.
    private var pending: [UInt8]
    private var pendingStart = 0
    private var sourceEnded: Bool
    /// Decoded UTF-8 not yet handed out.
    private var decoded: [UInt8] = []
    private var decodedStart = 0
    private let chunkSize = 1 << 16

    public var rawBytesConsumed: Int { source.rawBytesConsumed }
    /// Invalid sequences met so far (all of them once the source is read to its end).
    public var invalidSequences: Int { converter.invalidSequences }

    /// `path` names the file in errors; `declared` is the caller's choice (`auto` detects).
    public init(source: any ByteSource, path: String, declared: TextEncoding = .auto) throws {
        self.source = source
        var sample = [UInt8](repeating: 0, count: EncodingDetector.sampleSize)
        var filled = 0
        var ended = false
        while filled < sample.count {
            let count = try sample.withUnsafeMutableBytes { buffer in
                try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            }
            if count == 0 { ended = true; break }
            filled += count
        }
        sample.removeSubrange(filled...)
        let (encoding, bomLength) = EncodingDetector.resolve(declared, sample: sample, complete: ended)
        self.encoding = encoding
        converter = try IconvConverter(from: encoding, path: path)
        pending = sample
        pendingStart = bomLength
        sourceEnded = ended
    }

    /// Opens a file (decompressing by its name) for reading as UTF-8.
    public convenience init(path: String, declared: TextEncoding = .auto) throws {
        try self.init(source: InputFiles.open(path), path: path, declared: declared)
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while decodedStart == decoded.count {
            decoded.removeAll(keepingCapacity: true)
            decodedStart = 0
            let hadInput = pendingStart < pending.count
            if !hadInput, sourceEnded { return 0 }
            if !sourceEnded {
                // Keep the cut tail of the last chunk in front of the next one.
                pending.removeSubrange(0..<pendingStart)
                pendingStart = 0
                let oldCount = pending.count
                pending.append(contentsOf: repeatElement(0, count: chunkSize))
                let count = try pending.withUnsafeMutableBytes { bytes in
                    try source.read(into: UnsafeMutableRawBufferPointer(rebasing: bytes[oldCount...]))
                }
                pending.removeSubrange((oldCount + count)...)
                if count == 0 { sourceEnded = true }
            }
            let used = pending.withUnsafeBytes { bytes in
                converter.convert(UnsafeRawBufferPointer(rebasing: bytes[pendingStart...]), final: sourceEnded,
                                  into: &decoded)
            }
            pendingStart += used
        }
        let count = min(buffer.count, decoded.count - decodedStart)
        decoded.withUnsafeBytes { bytes in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[decodedStart..<(decodedStart + count)]))
        }
        decodedStart += count
        return count
    }
}

/// A whole text file decoded to a String, with how it was decoded. For formats read whole
/// (subtitles, HTML pages), which are small: a file larger than `maximumBytes` once decoded, or
/// one that is not text (NUL bytes, or mostly invalid sequences), is a clear error naming the
/// file instead of a string that fills memory or holds garbage.
public struct DecodedText: Sendable {
    /// 64 MiB of UTF-8: hundreds of times a feature film's subtitles or a long forum thread.
    public static let defaultMaximumBytes = 64 << 20

    public let text: String
    public let encoding: TextEncoding
    public let invalidSequences: Int

    public init(path: String, declared: TextEncoding = .auto, maximumBytes: Int = DecodedText.defaultMaximumBytes) throws {
        let source = try DecodingByteSource(path: path, declared: declared)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var nulBytes = 0
        while true {
            let count = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
            if count == 0 { break }
            guard bytes.count + count <= maximumBytes else {
                throw IOError(path: path, message: "larger than \(maximumBytes >> 20) MiB of text; files of this kind "
                              + "are read whole, so split it or check that it is the file you meant")
            }
            for byte in chunk[0..<count] where byte == 0 { nulBytes += 1 }
            bytes.append(contentsOf: chunk[0..<count])
        }
        // Text in any of the supported encodings decodes without NULs; a binary file (a video
        // saved under a subtitle name, an image) decodes to NULs or to mostly invalid sequences.
        let invalid = source.invalidSequences
        if nulBytes > 0 || (invalid >= 16 && invalid * 4 > bytes.count / 3) {
            throw IOError(path: path, message: "does not look like text in \(source.encoding.rawValue) "
                          + "(\(nulBytes) NUL bytes, \(invalid) invalid sequences); is it a binary file?")
        }
        text = String(decoding: bytes, as: UTF8.self)
        encoding = source.encoding
        invalidSequences = invalid
    }
}
