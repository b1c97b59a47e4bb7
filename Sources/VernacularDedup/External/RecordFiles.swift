#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import VernacularCore

// Work-folder files are raw arrays of fixed-size records in the machine's byte order: the work
// folder is scratch space for one run on one kind of machine, not an exchange format.

/// A 64-bit key with the document it came from (a band hash, a text hash or a line hash).
/// Sorting by (key, doc) puts each bucket together with its members in input order.
public struct KeyedRecord: Sendable, Equatable, Comparable, BitwiseCopyable {
    public var key: UInt64
    public var doc: UInt64
    public init(key: UInt64, doc: UInt64) {
        self.key = key
        self.doc = doc
    }
    @inline(__always)
    public static func < (lhs: KeyedRecord, rhs: KeyedRecord) -> Bool {
        lhs.key != rhs.key ? lhs.key < rhs.key : lhs.doc < rhs.doc
    }
}

/// Appends records of one type to a file through a buffer. Work-folder files are scratch: not
/// flushed to disk unless `durable` (a stage's completion is recorded elsewhere, with sizes).
final class RecordWriter<Record: BitwiseCopyable> {
    let path: String
    private let sink: FileByteSink
    private var buffer: [Record] = []
    private let bufferCount: Int
    private(set) var count = 0

    init(path: String, bufferBytes: Int = 1 << 18, durable: Bool = false) throws {
        self.path = path
        sink = try FileByteSink(path: path, durable: durable)
        bufferCount = max(1, bufferBytes / MemoryLayout<Record>.stride)
        buffer.reserveCapacity(bufferCount)
    }

    func append(_ record: Record) throws {
        buffer.append(record)
        count += 1
        if buffer.count == bufferCount { try flush() }
    }

    func append(contentsOf records: UnsafeBufferPointer<Record>) throws {
        try flush()
        try sink.write(UnsafeRawBufferPointer(records))
        count += records.count
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try sink.write($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    func finish() throws {
        try flush()
        try sink.finish()
    }
}

/// Reads records of one type from a file in order, a block at a time.
final class RecordReader<Record: BitwiseCopyable> {
    let path: String
    private let source: FileByteSource
    private let buffer: UnsafeMutableBufferPointer<Record>
    private var position = 0
    private var filled = 0
    private var ended = false

    init(path: String, bufferBytes: Int = 1 << 16) throws {
        self.path = path
        source = try FileByteSource(path: path)
        buffer = .allocate(capacity: max(1, bufferBytes / MemoryLayout<Record>.stride))
    }

    deinit { buffer.deallocate() }

    func next() throws -> Record? {
        if position == filled {
            try refill()
            if filled == 0 { return nil }
        }
        defer { position += 1 }
        return buffer[position]
    }

    private func refill() throws {
        position = 0
        filled = 0
        guard !ended else { return }
        let raw = UnsafeMutableRawBufferPointer(buffer)
        var bytes = 0
        while bytes < raw.count {
            let count = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[bytes...]))
            if count == 0 {
                ended = true
                break
            }
            bytes += count
        }
        guard bytes % MemoryLayout<Record>.stride == 0 else {
            throw DedupError.badWorkFolder(path: path, message: "ends inside a record: truncated file")
        }
        filled = bytes / MemoryLayout<Record>.stride
    }

    static func readAll(path: String) throws -> [Record] {
        let reader = try RecordReader(path: path, bufferBytes: 1 << 20)
        var records: [Record] = []
        while let record = try reader.next() { records.append(record) }
        return records
    }
}

/// Reads fixed-size records at any index with `pread`, for lookups by document (signatures,
/// ids); the page cache keeps the hot parts in memory.
final class RandomAccessFile {
    let path: String
    private let descriptor: Int32
    let size: Int

    init(path: String) throws {
        self.path = path
        descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw DedupError.badWorkFolder(path: path, message: "cannot open: \(String(cString: strerror(errno)))")
        }
        size = Int(lseek(descriptor, 0, SEEK_END))
    }

    deinit { close(descriptor) }

    /// Fills `buffer` from `offset`; fewer bytes than asked means the file is shorter than the
    /// index says, which only a damaged work folder gives.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws {
        var done = 0
        while done < buffer.count {
            let count = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                throw DedupError.badWorkFolder(path: path, message: "short read at byte \(offset + done)")
            }
            done += count
        }
    }
}

/// Merges sorted runs of `KeyedRecord` (each file sorted by (key, doc)) into one sorted stream
/// with a binary heap: memory is one read buffer per run, whatever the runs' sizes.
final class RunMerger {
    private var readers: [RecordReader<KeyedRecord>] = []
    /// Heap of (current record, reader index), smallest record at the root.
    private var heap: [(record: KeyedRecord, run: Int)] = []

    init(paths: [String], bufferBytes: Int = 1 << 16) throws {
        for path in paths {
            let reader = try RecordReader<KeyedRecord>(path: path, bufferBytes: bufferBytes)
            if let first = try reader.next() {
                readers.append(reader)
                push((first, readers.count - 1))
            }
        }
    }

    func next() throws -> KeyedRecord? {
        guard let top = heap.first else { return nil }
        if let following = try readers[top.run].next() {
            heap[0] = (following, top.run)
            siftDown(0)
        } else {
            let last = heap.removeLast()
            if !heap.isEmpty {
                heap[0] = last
                siftDown(0)
            }
        }
        return top.record
    }

    private func push(_ entry: (record: KeyedRecord, run: Int)) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].record < heap[parent].record else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { return }
            var smallest = left
            if left + 1 < heap.count, heap[left + 1].record < heap[left].record { smallest = left + 1 }
            guard heap[smallest].record < heap[parent].record else { return }
            heap.swapAt(smallest, parent)
            parent = smallest
        }
    }
}

/// Collects `KeyedRecord`s for one output stream and writes them as sorted run files whenever the
/// buffer reaches its share of the memory budget: the "sort in chunks" half of the external sort.
final class SortedRunBuffer {
    let prefix: String
    private var records: [KeyedRecord] = []
    let capacity: Int
    private(set) var runs: [String] = []

    init(prefix: String, capacity: Int) {
        self.prefix = prefix
        self.capacity = max(1, capacity)
    }

    func append(_ record: KeyedRecord) throws {
        records.append(record)
        if records.count >= capacity { try flush() }
    }

    /// Sorts what is buffered and writes it as the next run.
    func flush() throws {
        guard !records.isEmpty else { return }
        records.sort()
        let path = prefix + "-run-" + String(runs.count) + ".bin"
        let writer = try RecordWriter<KeyedRecord>(path: path)
        try records.withUnsafeBufferPointer { try writer.append(contentsOf: $0) }
        try writer.finish()
        runs.append(path)
        records.removeAll(keepingCapacity: true)
    }
}
