import Foundation

/// Reads a Megatron indexed dataset (`PREFIX.idx` + `PREFIX.bin`) through memory maps, checking
/// the header and every offset against the file sizes before handing out tokens.
public struct IndexedDatasetReader: Sendable {
    public let prefix: String
    public let dtype: UInt8
    /// Tokens per sequence.
    public let lengths: [Int32]
    /// Byte offset of each sequence in `.bin`.
    public let pointers: [Int64]
    /// Sequence index where each document starts, then S.
    public let documentBoundaries: [Int64]
    private let bin: Data

    public var sequenceCount: Int { lengths.count }
    public var documentCount: Int { documentBoundaries.count - 1 }
    /// Bytes per token.
    public let itemSize: Int

    public init(prefix: String) throws {
        self.prefix = prefix
        let idxPath = prefix + ".idx"
        let idx: Data
        do {
            idx = try Data(contentsOf: URL(fileURLWithPath: idxPath), options: .alwaysMapped)
            bin = try Data(contentsOf: URL(fileURLWithPath: prefix + ".bin"), options: .alwaysMapped)
        } catch {
            throw PackError.malformedIndex(path: prefix, reason: "cannot read: \(error.localizedDescription)")
        }
        func fail(_ reason: String) -> PackError { .malformedIndex(path: idxPath, reason: reason) }
        let bytes = [UInt8](idx)
        var cursor = 0
        func read<T: FixedWidthInteger>(_: T.Type) throws -> T {
            let size = MemoryLayout<T>.size
            guard cursor + size <= bytes.count else { throw fail("truncated at byte \(cursor)") }
            var value: T = 0
            for k in 0..<size { value |= T(truncatingIfNeeded: bytes[cursor + k]) << (8 * k) }
            cursor += size
            return value
        }
        guard bytes.count >= 34, Array(bytes[0..<9]) == IndexedDatasetWriter.magic else { throw fail("bad magic") }
        cursor = 9
        let version = try read(UInt64.self)
        guard version == 1 else { throw fail("version \(version), expected 1") }
        dtype = try read(UInt8.self)
        // Integer codes only: float datasets (6, 7) hold no token ids.
        let sizes: [UInt8: Int] = [1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 8: 2]
        guard let itemSize = sizes[dtype] else { throw fail("dtype code \(dtype) is not an integer token type") }
        self.itemSize = itemSize
        let s = try read(UInt64.self)
        let d = try read(UInt64.self)
        // Check the counts against the file size before allocating anything from them.
        guard s < UInt64(bytes.count), d < UInt64(bytes.count), d >= 1,
              34 + Int(s) * 12 + Int(d) * 8 == bytes.count else {
            throw fail("counts S=\(s), D+1=\(d) do not match the file size \(bytes.count)")
        }
        lengths = try (0..<Int(s)).map { _ in try read(Int32.self) }
        pointers = try (0..<Int(s)).map { _ in try read(Int64.self) }
        documentBoundaries = try (0..<Int(d)).map { _ in try read(Int64.self) }
        for i in 0..<Int(s) {
            guard lengths[i] >= 0, pointers[i] >= 0,
                  pointers[i] + Int64(lengths[i]) * Int64(itemSize) <= Int64(bin.count) else {
                throw fail("sequence \(i) (offset \(pointers[i]), \(lengths[i]) tokens) lies outside the .bin")
            }
        }
        guard documentBoundaries.first == 0, documentBoundaries.last == Int64(s),
              zip(documentBoundaries, documentBoundaries.dropFirst()).allSatisfy({ $0 <= $1 }) else {
            throw fail("document boundaries do not run from 0 to S in order")
        }
    }

    /// The tokens of sequence `index`, widened to Int32 (uint32/int64 files may wrap; we write neither).
    public func tokens(sequence index: Int) -> [Int32] {
        precondition(index >= 0 && index < lengths.count, "sequence index out of range")
        let start = Int(pointers[index])
        let count = Int(lengths[index])
        return bin.withUnsafeBytes { raw -> [Int32] in
            let base = raw.baseAddress!.advanced(by: start)
            return (0..<count).map { k -> Int32 in
                let p = base.advanced(by: k * itemSize)
                switch dtype {
                case 1: return Int32(p.load(as: UInt8.self))
                case 2: return Int32(p.load(as: Int8.self))
                case 3: return Int32(Int16(littleEndian: p.loadUnaligned(as: Int16.self)))
                case 8: return Int32(UInt16(littleEndian: p.loadUnaligned(as: UInt16.self)))
                case 5: return Int32(truncatingIfNeeded: Int64(littleEndian: p.loadUnaligned(as: Int64.self)))
                default: return Int32(littleEndian: p.loadUnaligned(as: Int32.self))
                }
            }
        }
    }

    /// The tokens of document `index` (all its sequences, in order).
    public func tokens(document index: Int) -> [Int32] {
        precondition(index >= 0 && index < documentCount, "document index out of range")
        var out: [Int32] = []
        for sequence in Int(documentBoundaries[index])..<Int(documentBoundaries[index + 1]) {
            out += tokens(sequence: sequence)
        }
        return out
    }
}
