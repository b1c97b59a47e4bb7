import Foundation
import VernacularCore

/// Writes one Megatron indexed dataset: `PREFIX.bin` (tokens back to back, little-endian) and
/// `PREFIX.idx` (the index, written by `finish()`). Each document is one sequence, as Megatron's
/// `preprocess_data.py` writes them without sentence splitting, so the document boundaries are
/// 0, 1, ..., S.
///
/// `.idx` layout (little-endian): magic `MMIDIDX\0\0`, u64 version 1, u8 dtype code, u64 S,
/// u64 D+1, i32[S] lengths, i64[S] byte offsets into `.bin`, i64[D+1] document boundaries.
public final class IndexedDatasetWriter {
    public static let magic: [UInt8] = Array("MMIDIDX".utf8) + [0, 0]
    public static let version: UInt64 = 1

    public let prefix: String
    public let dtype: MegatronDType
    private let bin: FileByteSink
    private var lengths: [Int32] = []
    private var buffer: [UInt8] = []
    /// Running total of tokens written, for the summary.
    public private(set) var tokenCount = 0

    /// Number of sequences (documents) written so far.
    public var sequenceCount: Int { lengths.count }

    public init(prefix: String, dtype: MegatronDType) throws {
        self.prefix = prefix
        self.dtype = dtype
        bin = try FileByteSink(path: prefix + ".bin")
        buffer.reserveCapacity(1 << 20)
    }

    /// Appends one document's tokens as one sequence.
    public func append(document tokens: [Int32]) throws {
        guard tokens.count <= Int(Int32.max) else {
            throw PackError.configuration("a document of \(tokens.count) tokens exceeds Megatron's int32 length")
        }
        switch dtype {
        case .uint16:
            for id in tokens {
                guard id >= 0 && id <= 0xFFFF else { throw PackError.tokenOutOfRange(id: id, dtype: dtype.name) }
                buffer.append(UInt8(id & 0xFF))
                buffer.append(UInt8(id >> 8))
            }
        case .int32:
            for id in tokens {
                let bits = UInt32(bitPattern: id)
                buffer.append(UInt8(bits & 0xFF))
                buffer.append(UInt8((bits >> 8) & 0xFF))
                buffer.append(UInt8((bits >> 16) & 0xFF))
                buffer.append(UInt8(bits >> 24))
            }
        }
        lengths.append(Int32(tokens.count))
        tokenCount += tokens.count
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func flush() throws {
        try bin.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes the rest of `.bin` and the whole `.idx`.
    public func finish() throws {
        try flush()
        try bin.finish()
        var index: [UInt8] = Self.magic
        index.reserveCapacity(34 + lengths.count * 20 + 8)
        func u64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { index.append(contentsOf: $0) } }
        u64(Self.version)
        index.append(dtype.rawValue)
        u64(UInt64(lengths.count))
        u64(UInt64(lengths.count + 1))
        for length in lengths { withUnsafeBytes(of: length.littleEndian) { index.append(contentsOf: $0) } }
        var pointer: Int64 = 0
        for length in lengths {
            withUnsafeBytes(of: pointer.littleEndian) { index.append(contentsOf: $0) }
            pointer += Int64(length) * Int64(dtype.size)
        }
        for boundary in 0...lengths.count { withUnsafeBytes(of: Int64(boundary).littleEndian) { index.append(contentsOf: $0) } }
        let idx = try FileByteSink(path: prefix + ".idx")
        try idx.write(index)
        try idx.finish()
    }
}
