import CBzip2

/// Streams a bzip2 file through libbz2, a chunk at a time, so a multi-gigabyte dump is never held
/// in memory. Handles files made of several concatenated bzip2 streams (Wikimedia's multistream
/// dumps are exactly that). A file that ends inside a stream is reported as truncated, after every
/// byte that could be decoded has been handed out, so a reader keeps what came before the cut.
public final class Bzip2ByteSource: ByteSource {
    private let file: any ByteSource
    private let path: String
    /// On the heap: libbz2 keeps a pointer back to its bz_stream and checks it on every call.
    private let stream: UnsafeMutablePointer<bz_stream>
    private let input: UnsafeMutablePointer<CChar>
    private let inputCapacity = 1 << 17
    private var fileEnded = false
    private var streamEnded = false
    /// Whether the current stream has been fed any byte (an empty file is an empty stream).
    private var streamStarted = false
    private var decoderOpen = false

    public var rawBytesConsumed: Int { file.rawBytesConsumed }

    /// Decodes `file`; `path` names it in errors.
    public init(file: any ByteSource, path: String) throws {
        self.file = file
        self.path = path
        input = .allocate(capacity: inputCapacity)
        stream = .allocate(capacity: 1)
        stream.initialize(to: bz_stream())
        try openDecoder()
    }

    /// Opens a whole `.bz2` file.
    public convenience init(path: String) throws {
        try self.init(file: FileByteSource(path: path), path: path)
    }

    deinit {
        if decoderOpen { BZ2_bzDecompressEnd(stream) }
        stream.deallocate()
        input.deallocate()
    }

    private func openDecoder() throws {
        // verbosity 0, small 0: the fast decoder (about 3.5 MB per stream at level 9).
        let status = BZ2_bzDecompressInit(stream, 0, 0)
        guard status == BZ_OK else { throw IOError(path: path, message: "cannot start the bzip2 decoder (status \(status))") }
        decoderOpen = true
        streamEnded = false
        streamStarted = false
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        stream.pointee.next_out = base.assumingMemoryBound(to: CChar.self)
        stream.pointee.avail_out = UInt32(min(buffer.count, Int(UInt32.max)))
        let capacity = Int(stream.pointee.avail_out)
        while Int(stream.pointee.avail_out) == capacity {
            if stream.pointee.avail_in == 0, !fileEnded {
                let count = try file.read(into: UnsafeMutableRawBufferPointer(start: input, count: inputCapacity))
                if count == 0 {
                    fileEnded = true
                } else {
                    stream.pointee.next_in = input
                    stream.pointee.avail_in = UInt32(count)
                }
            }
            if streamEnded {
                // Bytes after a finished stream start the next stream of a multistream file.
                if stream.pointee.avail_in == 0, fileEnded { break }
                BZ2_bzDecompressEnd(stream)
                decoderOpen = false
                let pendingInput = stream.pointee.next_in
                let pendingCount = stream.pointee.avail_in
                let out = stream.pointee.next_out
                let outCount = stream.pointee.avail_out
                stream.pointee = bz_stream()
                try openDecoder()
                stream.pointee.next_in = pendingInput
                stream.pointee.avail_in = pendingCount
                stream.pointee.next_out = out
                stream.pointee.avail_out = outCount
            }
            if stream.pointee.avail_in == 0, fileEnded {
                if streamStarted {
                    throw IOError(path: path, message: "truncated bzip2 stream (the file ends inside a stream)")
                }
                break
            }
            streamStarted = true
            let status = BZ2_bzDecompress(stream)
            switch status {
            case BZ_OK:
                continue
            case BZ_STREAM_END:
                streamEnded = true
            case BZ_DATA_ERROR_MAGIC:
                throw IOError(path: path, message: "not bzip2 data (bad stream header)")
            case BZ_DATA_ERROR:
                throw IOError(path: path, message: "corrupt bzip2 data (a block fails its check)")
            case BZ_MEM_ERROR:
                throw IOError(path: path, message: "out of memory in the bzip2 decoder")
            default:
                throw IOError(path: path, message: "bzip2 decoder failed (status \(status))")
            }
        }
        return capacity - Int(stream.pointee.avail_out)
    }
}
