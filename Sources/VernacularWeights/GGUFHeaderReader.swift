// Parses a GGUF header (v2/v3, little-endian) from mapped bytes:
//   magic "GGUF" | u32 version | u64 tensor_count | u64 kv_count
//   kv_count x (string key | u32 value_type | value)
//   tensor_count x (string name | u32 n_dims | u64 ne[n_dims] | u32 ggml_type | u64 offset)
//   padding to `general.alignment` (default 32) | tensor data
// A string is u64 length + UTF-8 bytes; an array is u32 element type + u64 count + elements.
// Every count is checked against the bytes left before it drives a loop or an allocation.

struct GGUFHeader {
    var version: UInt32
    var metadata: [String: GGUFValue]
    var metadataKeys: [String]
    var tensors: [GGUFTensorInfo]
    var alignment: Int
    var dataOffset: Int
}

struct GGUFHeaderReader {
    /// ggml allows at most 4 dimensions.
    static let maxDimensions = 4
    /// Real files nest arrays at most once; a deep nest is an attack on the stack, not data.
    static let maxArrayDepth = 8
    static let defaultAlignment = 32

    private var cursor: ByteCursor
    private let path: String

    init(bytes: UnsafeRawBufferPointer, path: String) {
        cursor = ByteCursor(bytes, path: path)
        self.path = path
    }

    private func fail(_ reason: WeightFileError.Reason, tensor: String? = nil) -> WeightFileError {
        WeightFileError(path: path, tensor: tensor, reason)
    }

    mutating func read() throws -> GGUFHeader {
        let magic = try cursor.read(UInt32.self, "magic")
        // "GGUF" read as a little-endian u32.
        guard magic == 0x4655_4747 else {
            throw fail(.badMagic(found: Self.describeMagic(magic)))
        }
        let version = try cursor.read(UInt32.self, "version")
        // v1 used 32-bit counts and is long gone; v2 and v3 differ only in big-endian support.
        guard version == 2 || version == 3 else { throw fail(.unsupportedVersion(version)) }
        let tensorCount = try cursor.read(UInt64.self, "tensor count")
        let kvCount = try cursor.read(UInt64.self, "metadata count")

        // Smallest key/value: 8-byte key length + 4-byte type + 1-byte value.
        guard kvCount <= UInt64(cursor.remaining / 13) else {
            throw fail(.implausibleCount(what: "metadata key/value count (file has \(cursor.remaining) bytes left)", value: kvCount))
        }
        var metadata: [String: GGUFValue] = [:]
        var keys: [String] = []
        for _ in 0..<Int(kvCount) {
            let key = try readString("metadata key")
            let typeCode = try cursor.read(UInt32.self, "type of key '\(key)'")
            let value = try readValue(typeCode: typeCode, key: key, depth: 0)
            guard metadata.updateValue(value, forKey: key) == nil else {
                throw fail(.duplicateOrOverlap("metadata key '\(key)' appears twice"))
            }
            keys.append(key)
        }

        let alignment = try Self.alignment(from: metadata[Self.alignmentKey], path: path)

        // Smallest tensor info: name length 8 + n_dims 4 + type 4 + offset 8.
        guard tensorCount <= UInt64(cursor.remaining / 24) else {
            throw fail(.implausibleCount(what: "tensor count (file has \(cursor.remaining) bytes left)", value: tensorCount))
        }
        var raw: [(name: String, dims: [Int], type: GGMLType, offset: UInt64)] = []
        for _ in 0..<Int(tensorCount) {
            raw.append(try readTensorInfo(alignment: alignment))
        }

        // The data section starts at the next multiple of the alignment after the infos.
        let infoEnd = cursor.offset
        let (padded, overflow) = infoEnd.addingReportingOverflow(alignment - 1)
        guard !overflow else { throw fail(.malformedHeader("header too large")) }
        let dataOffset = padded / alignment * alignment
        let fileSize = cursor.bytes.count
        // A file with no tensors may legally stop right after the header, without padding.
        guard dataOffset <= fileSize || raw.isEmpty else {
            throw fail(.truncated(what: "padding before tensor data", offset: infoEnd, needed: dataOffset - fileSize))
        }
        let dataSize = max(0, fileSize - dataOffset)

        var tensors: [GGUFTensorInfo] = []
        tensors.reserveCapacity(raw.count)
        var seen = Set<String>()
        for entry in raw {
            guard seen.insert(entry.name).inserted else {
                throw fail(.duplicateOrOverlap("tensor name appears twice"), tensor: entry.name)
            }
            tensors.append(try makeTensor(entry.name, entry.dims, entry.type, entry.offset,
                                          dataOffset: dataOffset, dataSize: dataSize))
        }
        try Self.checkNoOverlap(tensors, path: path)
        return GGUFHeader(version: version, metadata: metadata, metadataKeys: keys, tensors: tensors,
                          alignment: alignment, dataOffset: dataOffset)
    }

    static let alignmentKey = "general.alignment"

    private static func alignment(from value: GGUFValue?, path: String) throws -> Int {
        guard let value else { return defaultAlignment }
        guard let a = value.int, a > 0, a & (a - 1) == 0, a <= 1 << 30 else {
            throw WeightFileError(path: path, .malformedHeader("\(alignmentKey) must be a power of two, got \(value)"))
        }
        return a
    }

    private static func describeMagic(_ magic: UInt32) -> String {
        let bytes = withUnsafeBytes(of: magic.littleEndian) { Array($0) }
        let printable = bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7f }
        return printable ? "\"" + String(decoding: bytes, as: UTF8.self) + "\""
                         : bytes.map { String($0, radix: 16) }.joined(separator: " ")
    }

    private mutating func readString(_ what: @autoclosure () -> String) throws -> String {
        let length = try cursor.read(UInt64.self, "length of \(what())")
        guard length <= UInt64(cursor.remaining) else {
            throw fail(.implausibleCount(what: "length of \(what()) (\(cursor.remaining) bytes left at offset \(cursor.offset))",
                                         value: length))
        }
        let bytes = try cursor.readBytes(length, what())
        // Invalid UTF-8 is repaired (U+FFFD) rather than rejected: writers are not all strict.
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Smallest encoded size of one element of a value type (for bounding array counts).
    private static func minimumSize(ofType code: UInt32) -> Int? {
        switch code {
        case 0, 1, 7: return 1
        case 2, 3: return 2
        case 4, 5, 6: return 4
        case 10, 11, 12, 8: return 8
        case 9: return 12
        default: return nil
        }
    }

    private mutating func readValue(typeCode: UInt32, key: String, depth: Int) throws -> GGUFValue {
        let what = "value of key '\(key)'"
        switch typeCode {
        case 0: return .uint8(try cursor.read(UInt8.self, what))
        case 1: return .int8(try cursor.read(Int8.self, what))
        case 2: return .uint16(try cursor.read(UInt16.self, what))
        case 3: return .int16(try cursor.read(Int16.self, what))
        case 4: return .uint32(try cursor.read(UInt32.self, what))
        case 5: return .int32(try cursor.read(Int32.self, what))
        case 6: return .float32(try cursor.readFloat(what))
        case 7: return .bool(try cursor.read(UInt8.self, what) != 0)
        case 8: return .string(try readString(what))
        case 9:
            guard depth < Self.maxArrayDepth else {
                throw fail(.malformedHeader("arrays nested deeper than \(Self.maxArrayDepth) in key '\(key)'"))
            }
            let elementType = try cursor.read(UInt32.self, "array type of key '\(key)'")
            guard let minSize = Self.minimumSize(ofType: elementType) else {
                throw fail(.unknownValueType(elementType))
            }
            let count = try cursor.read(UInt64.self, "array length of key '\(key)'")
            guard count <= UInt64(cursor.remaining / minSize) else {
                throw fail(.implausibleCount(what: "array length of key '\(key)' (\(cursor.remaining) bytes left)", value: count))
            }
            var items: [GGUFValue] = []
            items.reserveCapacity(Int(count))
            for _ in 0..<Int(count) {
                items.append(try readValue(typeCode: elementType, key: key, depth: depth + 1))
            }
            return .array(items)
        case 10: return .uint64(try cursor.read(UInt64.self, what))
        case 11: return .int64(try cursor.read(Int64.self, what))
        case 12: return .float64(try cursor.readDouble(what))
        default: throw fail(.unknownValueType(typeCode))
        }
    }

    private mutating func readTensorInfo(alignment: Int) throws -> (name: String, dims: [Int], type: GGMLType, offset: UInt64) {
        let name = try readString("tensor name")
        let nDims = try cursor.read(UInt32.self, "dimension count of tensor '\(name)'")
        guard nDims <= UInt32(Self.maxDimensions) else {
            throw fail(.implausibleCount(what: "dimension count (ggml allows \(Self.maxDimensions))", value: UInt64(nDims)), tensor: name)
        }
        var dims: [Int] = []
        for i in 0..<Int(nDims) {
            let ne = try cursor.read(UInt64.self, "dimension \(i) of tensor '\(name)'")
            guard ne <= UInt64(Int64.max) else {
                throw fail(.invalidShape("dimension \(i) is \(ne)"), tensor: name)
            }
            dims.append(Int(ne))
        }
        let type = GGMLType(rawValue: try cursor.read(UInt32.self, "type of tensor '\(name)'"))
        let offset = try cursor.read(UInt64.self, "data offset of tensor '\(name)'")
        guard offset % UInt64(alignment) == 0 else {
            throw fail(.malformedHeader("data offset \(offset) is not a multiple of the alignment \(alignment)"), tensor: name)
        }
        return (name, dims, type, offset)
    }

    private func makeTensor(_ name: String, _ dims: [Int], _ type: GGMLType, _ offset: UInt64,
                            dataOffset: Int, dataSize: Int) throws -> GGUFTensorInfo {
        guard let blockSize = type.blockSize, let blockBytes = type.blockBytes else {
            throw fail(.unsupportedTensorType(type.name), tensor: name)
        }
        var elements = 1
        for ne in dims {
            let (product, overflow) = elements.multipliedReportingOverflow(by: ne)
            guard !overflow else {
                throw fail(.invalidShape("element count of \(dims) overflows"), tensor: name)
            }
            elements = product
        }
        let rowLength = dims.first ?? 1
        // Blocks never straddle rows in ggml, so each row must hold whole blocks.
        guard rowLength % blockSize == 0 else {
            throw fail(.invalidShape("row length \(rowLength) is not a multiple of \(type.name)'s block size \(blockSize)"), tensor: name)
        }
        let (byteCount, overflow) = (elements / blockSize).multipliedReportingOverflow(by: blockBytes)
        guard !overflow else {
            throw fail(.invalidShape("byte count of \(dims) as \(type.name) overflows"), tensor: name)
        }
        let (end, endOverflow) = offset.addingReportingOverflow(UInt64(byteCount))
        guard !endOverflow, end <= UInt64(dataSize) else {
            throw fail(.dataOutOfBounds(start: offset, end: endOverflow ? UInt64.max : end, limit: dataSize), tensor: name)
        }
        return GGUFTensorInfo(name: name, dimensions: dims, type: type, relativeOffset: offset,
                              offset: dataOffset + Int(offset), byteCount: byteCount, elementCount: elements)
    }

    private static func checkNoOverlap(_ tensors: [GGUFTensorInfo], path: String) throws {
        let sorted = tensors.filter { $0.byteCount > 0 }.sorted { $0.offset < $1.offset }
        for (a, b) in zip(sorted, sorted.dropFirst()) where a.offset + a.byteCount > b.offset {
            throw WeightFileError(path: path, tensor: b.name,
                                  .duplicateOrOverlap("data overlaps tensor '\(a.name)'"))
        }
    }
}
