import CZlib
import CZstd

/// Size of the compressed-input buffer both decompressors read the file with.
private let compressedChunkSize = 1 << 17

/// Streams a zstd file (any number of frames). A stream that ends inside a frame is reported as
/// truncated instead of being taken for a short file.
public final class ZstdByteSource: ByteSource {
    private let file: FileByteSource
    private let context: OpaquePointer
    private var input: UnsafeMutableRawBufferPointer
    private var inputBuffer: ZSTD_inBuffer
    private var frameComplete = true
    private var fileEnded = false

    public var rawBytesConsumed: Int { file.rawBytesConsumed }

    public init(file: FileByteSource) throws {
        self.file = file
        guard let context = ZSTD_createDCtx() else { throw IOError(path: file.path, message: "cannot create a zstd context") }
        self.context = context
        input = .allocate(byteCount: compressedChunkSize, alignment: 16)
        inputBuffer = ZSTD_inBuffer(src: input.baseAddress, size: 0, pos: 0)
    }

    deinit {
        ZSTD_freeDCtx(context)
        input.deallocate()
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var output = ZSTD_outBuffer(dst: buffer.baseAddress, size: buffer.count, pos: 0)
        while output.pos == 0 {
            if inputBuffer.pos == inputBuffer.size, !fileEnded {
                let count = try file.read(into: input)
                if count == 0 {
                    fileEnded = true
                } else {
                    inputBuffer = ZSTD_inBuffer(src: input.baseAddress, size: count, pos: 0)
                }
            }
            let inputBefore = inputBuffer.pos
            let hint = ZSTD_decompressStream(context, &output, &inputBuffer)
            if ZSTD_isError(hint) != 0 {
                throw IOError(path: file.path, message: "corrupt zstd data: \(String(cString: ZSTD_getErrorName(hint)))")
            }
            // A call that moved nothing says nothing about the frame (the decoder then only
            // hints at the next frame's header size).
            if inputBuffer.pos != inputBefore || output.pos > 0 { frameComplete = hint == 0 }
            if fileEnded, output.pos == 0 { break }
        }
        if output.pos == 0, fileEnded, !frameComplete {
            throw IOError(path: file.path, message: "truncated zstd stream (the file ends inside a frame)")
        }
        return output.pos
    }
}

/// Streams a gzip file, including files made of several concatenated gzip members.
public final class GzipByteSource: ByteSource {
    private let file: FileByteSource
    /// On the heap: zlib keeps a pointer back to its z_stream and checks it on every call.
    private let stream: UnsafeMutablePointer<z_stream>
    private var input: UnsafeMutablePointer<UInt8>
    private var fileEnded = false
    private var memberEnded = false
    private var sawAnyInput = false

    public var rawBytesConsumed: Int { file.rawBytesConsumed }

    public init(file: FileByteSource) throws {
        self.file = file
        input = .allocate(capacity: compressedChunkSize)
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // 15 + 32: a window of 2^15 with automatic gzip/zlib header detection.
        let status = inflateInit2_(stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            input.deallocate()
            stream.deallocate()
            throw IOError(path: file.path, message: "cannot start the gzip decoder")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
        input.deallocate()
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        stream.pointee.next_out = base.assumingMemoryBound(to: UInt8.self)
        stream.pointee.avail_out = UInt32(min(buffer.count, Int(UInt32.max)))
        let capacity = Int(stream.pointee.avail_out)
        while Int(stream.pointee.avail_out) == capacity {
            if stream.pointee.avail_in == 0 {
                if fileEnded { break }
                let count = try file.read(into: UnsafeMutableRawBufferPointer(start: input, count: compressedChunkSize))
                if count == 0 {
                    fileEnded = true
                    break
                }
                sawAnyInput = true
                stream.pointee.next_in = input
                stream.pointee.avail_in = UInt32(count)
            }
            if memberEnded {
                // Another gzip member follows the one that ended.
                inflateReset(stream)
                memberEnded = false
            }
            let status = inflate(stream, Z_NO_FLUSH)
            switch status {
            case Z_OK, Z_BUF_ERROR:
                continue
            case Z_STREAM_END:
                memberEnded = true
            default:
                let reason = stream.pointee.msg.map { String(cString: $0) } ?? "status \(status)"
                throw IOError(path: file.path, message: "corrupt gzip data: \(reason)")
            }
        }
        let produced = capacity - Int(stream.pointee.avail_out)
        if produced == 0, fileEnded, sawAnyInput, !memberEnded {
            throw IOError(path: file.path, message: "truncated gzip stream (the file ends inside a member)")
        }
        return produced
    }
}
