#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits a byte stream into lines without copying them: each line is lent to the caller as a
/// buffer that is valid only during the call. Memory stays at one chunk plus the longest line.
public final class LineReader {
    private let source: any ByteSource
    private let path: String
    private var buffer: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0
    private var ended = false
    /// Number of the line most recently returned (1-based, counted from `firstLineNumber`).
    public private(set) var lineNumber: Int
    /// A line longer than this is an error rather than a reason to use unbounded memory.
    public let maximumLineLength: Int

    public var rawBytesConsumed: Int { source.rawBytesConsumed }

    public init(source: any ByteSource, path: String, firstLineNumber: Int = 1,
                chunkSize: Int = 1 << 20, maximumLineLength: Int = 1 << 29) {
        self.source = source
        self.path = path
        self.lineNumber = firstLineNumber - 1
        self.maximumLineLength = maximumLineLength
        buffer = .allocate(byteCount: chunkSize, alignment: 16)
    }

    deinit { buffer.deallocate() }

    /// Calls `body` with the next line (without its `\n` or `\r\n`); returns false at the end.
    public func nextLine<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) throws -> R? {
        while true {
            if start < end, let base = buffer.baseAddress {
                let found = memchr(base + start, 0x0A, end - start)
                if let found {
                    let newline = base.distance(to: found)
                    let line = trimmedLine(from: start, to: newline)
                    start = newline + 1
                    lineNumber += 1
                    return try body(line)
                }
            }
            if ended {
                guard start < end else { return nil }
                let line = trimmedLine(from: start, to: end)
                start = end
                lineNumber += 1
                return try body(line)
            }
            try refill()
        }
    }

    private func trimmedLine(from lineStart: Int, to lineEnd: Int) -> UnsafeBufferPointer<UInt8> {
        var stop = lineEnd
        let bytes = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        if stop > lineStart, bytes[stop - 1] == 0x0D { stop -= 1 }
        return UnsafeBufferPointer(start: bytes + lineStart, count: stop - lineStart)
    }

    /// Moves the partial line to the front and reads more, growing the buffer for long lines.
    private func refill() throws {
        let pending = end - start
        if start > 0, pending > 0 {
            memmove(buffer.baseAddress!, buffer.baseAddress! + start, pending)
        }
        start = 0
        end = pending
        if end == buffer.count {
            guard buffer.count < maximumLineLength else {
                throw IOError(path: path, message: "line \(lineNumber + 1) is longer than \(maximumLineLength) bytes")
            }
            let grown = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 16)
            grown.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[0..<end]))
            buffer.deallocate()
            buffer = grown
        }
        let count = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[end...]))
        if count == 0 { ended = true } else { end += count }
    }
}
