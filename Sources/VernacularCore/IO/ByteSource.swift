#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A stream of bytes read in chunks: a file, or a decompressor over one.
public protocol ByteSource: AnyObject {
    /// Fills up to `buffer.count` bytes; returns 0 only at the end of the stream.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
    /// Bytes consumed from the underlying file so far (compressed bytes for a decompressor),
    /// used for progress and ETA.
    var rawBytesConsumed: Int { get }
}

/// An I/O failure, naming the file.
public struct IOError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let message: String
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }
    public var description: String { "\(path): \(message)" }
}

/// Compression of a file, chosen by its name.
public enum Compression: String, Sendable, Codable, CaseIterable {
    case none
    case gzip = "gz"
    case zstd = "zst"

    public init(path: String) {
        if path.hasSuffix(".gz") { self = .gzip } else if path.hasSuffix(".zst") || path.hasSuffix(".zstd") {
            self = .zstd
        } else { self = .none }
    }

    /// Accepts the long names too (`zstd`, `gzip`), since people write both.
    public init(from decoder: any Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        switch name.lowercased() {
        case "none", "plain": self = .none
        case "gz", "gzip": self = .gzip
        case "zst", "zstd": self = .zstd
        default:
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "unknown compression '\(name)' (use zst, gz or none)"))
        }
    }

    public var fileExtension: String {
        switch self {
        case .none: return ""
        case .gzip: return ".gz"
        case .zstd: return ".zst"
        }
    }
}

/// Plain file reads through POSIX `read`, optionally limited to a byte range.
public final class FileByteSource: ByteSource {
    public let path: String
    private let descriptor: Int32
    private var remaining: Int
    public private(set) var rawBytesConsumed = 0

    /// Opens `path`, positioned at `offset`, reading at most `length` bytes (nil: to the end).
    public init(path: String, offset: Int = 0, length: Int? = nil) throws {
        self.path = path
        descriptor = Glibc.open(path, O_RDONLY)
        guard descriptor >= 0 else { throw IOError(path: path, message: "cannot open: \(String(cString: strerror(errno)))") }
        if offset > 0, lseek(descriptor, off_t(offset), SEEK_SET) < 0 {
            close(descriptor)
            throw IOError(path: path, message: "cannot seek to byte \(offset)")
        }
        remaining = length ?? Int.max
    }

    deinit { close(descriptor) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let wanted = min(buffer.count, remaining)
        guard wanted > 0 else { return 0 }
        while true {
            let count = Glibc.read(descriptor, buffer.baseAddress, wanted)
            if count >= 0 {
                remaining -= count
                rawBytesConsumed += count
                return count
            }
            if errno == EINTR { continue }
            throw IOError(path: path, message: "read failed: \(String(cString: strerror(errno)))")
        }
    }
}

extension FileByteSource {
    /// Opens a file with the decompressor its name asks for.
    public static func open(path: String, compression: Compression? = nil) throws -> any ByteSource {
        let file = try FileByteSource(path: path)
        switch compression ?? Compression(path: path) {
        case .none: return file
        case .gzip: return try GzipByteSource(file: file)
        case .zstd: return try ZstdByteSource(file: file)
        }
    }
}

/// Reads a whole file's raw bytes, not decompressed (small files only: configs, fixtures).
public func readWholeFile(_ path: String) throws -> [UInt8] {
    let source = try FileByteSource(path: path)
    var result: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let count = try chunk.withUnsafeMutableBytes { buffer throws in try source.read(into: buffer) }
        if count == 0 { return result }
        result.append(contentsOf: chunk[0..<count])
    }
}
