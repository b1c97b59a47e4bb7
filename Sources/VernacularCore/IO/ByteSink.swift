#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CZlib
import CZstd

/// A destination for bytes: a file, or a compressor in front of one.
public protocol ByteSink: AnyObject {
    func write(_ bytes: UnsafeRawBufferPointer) throws
    /// Flushes everything and closes; the sink is unusable afterwards.
    func finish() throws
}

extension ByteSink {
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }
}

/// Writes a file through POSIX calls, keeping a CRC-32 of every byte written so a completion
/// marker can record the checksum without reading the file again.
public final class FileByteSink: ByteSink {
    public let path: String
    private var descriptor: Int32
    public private(set) var bytesWritten = 0
    public private(set) var crc32Value: UInt = 0
    /// Whether `finish` waits for the data to reach the disk.
    public let durable: Bool

    /// `durable: false` is for scratch files whose completeness is checked another way (a
    /// recorded size): a crash may lose their tail, a killed process does not, and skipping the
    /// flush saves a disk round trip per file.
    public init(path: String, durable: Bool = true) throws {
        self.path = path
        self.durable = durable
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else {
            throw IOError(path: path, message: "cannot create: \(String(cString: strerror(errno)))")
        }
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        crc32Value = crc32(crc32Value, base.assumingMemoryBound(to: UInt8.self), UInt32(bytes.count))
        var offset = 0
        while offset < bytes.count {
            let count = Glibc.write(descriptor, base + offset, bytes.count - offset)
            if count < 0 {
                if errno == EINTR { continue }
                throw IOError(path: path, message: "write failed: \(String(cString: strerror(errno)))")
            }
            offset += count
        }
        bytesWritten += bytes.count
    }

    /// Flushes to disk (when durable) before closing, so that a rename after it publishes
    /// complete data.
    public func finish() throws {
        guard descriptor >= 0 else { return }
        let synced = durable ? fsync(descriptor) : 0
        let closed = close(descriptor)
        descriptor = -1
        guard synced == 0, closed == 0 else {
            throw IOError(path: path, message: "cannot flush: \(String(cString: strerror(errno)))")
        }
    }
}

/// zstd compression at level 3 (zstd's default: fast, and 3-4x on JSON Lines of Han text).
public final class ZstdByteSink: ByteSink {
    private let file: any ByteSink
    private let path: String
    private let context: OpaquePointer
    private var output: UnsafeMutableRawBufferPointer

    public init(file: any ByteSink, path: String, level: Int32 = 3) throws {
        self.file = file
        self.path = path
        guard let context = ZSTD_createCCtx() else { throw IOError(path: path, message: "cannot create a zstd context") }
        self.context = context
        ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level)
        ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1)
        output = .allocate(byteCount: ZSTD_CStreamOutSize(), alignment: 16)
    }

    deinit {
        ZSTD_freeCCtx(context)
        output.deallocate()
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        var input = ZSTD_inBuffer(src: bytes.baseAddress, size: bytes.count, pos: 0)
        while input.pos < input.size {
            try drive(&input, directive: ZSTD_e_continue)
        }
    }

    public func finish() throws {
        var input = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
        while try drive(&input, directive: ZSTD_e_end) != 0 {}
        try file.finish()
    }

    @discardableResult
    private func drive(_ input: inout ZSTD_inBuffer, directive: ZSTD_EndDirective) throws -> Int {
        var out = ZSTD_outBuffer(dst: output.baseAddress, size: output.count, pos: 0)
        let remaining = ZSTD_compressStream2(context, &out, &input, directive)
        if ZSTD_isError(remaining) != 0 {
            throw IOError(path: path, message: "zstd compression failed: \(String(cString: ZSTD_getErrorName(remaining)))")
        }
        if out.pos > 0 { try file.write(UnsafeRawBufferPointer(start: output.baseAddress, count: out.pos)) }
        return remaining
    }
}

/// gzip compression at level 6 with a zero timestamp, so identical input gives identical bytes.
public final class GzipByteSink: ByteSink {
    private let file: any ByteSink
    private let path: String
    /// On the heap: zlib keeps a pointer back to its z_stream and checks it on every call.
    private let stream: UnsafeMutablePointer<z_stream>
    private var output: UnsafeMutablePointer<UInt8>
    private let outputSize = 1 << 17

    public init(file: any ByteSink, path: String, level: Int32 = 6) throws {
        self.file = file
        self.path = path
        output = .allocate(capacity: outputSize)
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // 15 + 16: a window of 2^15 with a gzip header (deflate leaves its mtime at 0).
        let status = deflateInit2_(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                                   zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            output.deallocate()
            stream.deallocate()
            throw IOError(path: path, message: "cannot start the gzip encoder")
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
        output.deallocate()
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        stream.pointee.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: UInt8.self))
        stream.pointee.avail_in = UInt32(bytes.count)
        while stream.pointee.avail_in > 0 { _ = try deflateChunk(flush: Z_NO_FLUSH) }
    }

    public func finish() throws {
        while try deflateChunk(flush: Z_FINISH) != Z_STREAM_END {}
        try file.finish()
    }

    private func deflateChunk(flush: Int32) throws -> Int32 {
        stream.pointee.next_out = output
        stream.pointee.avail_out = UInt32(outputSize)
        let status = deflate(stream, flush)
        guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
            throw IOError(path: path, message: "gzip compression failed (status \(status))")
        }
        let produced = outputSize - Int(stream.pointee.avail_out)
        if produced > 0 { try file.write(UnsafeRawBufferPointer(start: output, count: produced)) }
        return status
    }
}

extension FileByteSink {
    /// Creates a file with the compressor its name asks for.
    public static func create(path: String, compression: Compression? = nil,
                              durable: Bool = true) throws -> (sink: any ByteSink, file: FileByteSink) {
        let file = try FileByteSink(path: path, durable: durable)
        switch compression ?? Compression(path: path) {
        case .none: return (file, file)
        case .gzip: return (try GzipByteSink(file: file, path: path), file)
        case .zstd: return (try ZstdByteSink(file: file, path: path), file)
        }
    }
}
