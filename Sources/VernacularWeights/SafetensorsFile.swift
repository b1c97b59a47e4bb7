// A memory-mapped safetensors file: u64 little-endian header length N | N bytes of JSON header |
// tensor data. The header maps each tensor name to {"dtype", "shape", "data_offsets": [begin, end]}
// (offsets relative to the end of the header) plus an optional "__metadata__" string map.
// Every tensor's byte range is checked against its shape, its dtype and the file before use.

import Foundation

/// A safetensors element type.
public enum SafetensorsDType: String, Sendable, CaseIterable {
    case bool = "BOOL", u8 = "U8", i8 = "I8", f8e5m2 = "F8_E5M2", f8e4m3 = "F8_E4M3"
    case i16 = "I16", u16 = "U16", f16 = "F16", bf16 = "BF16"
    case i32 = "I32", u32 = "U32", f32 = "F32"
    case i64 = "I64", u64 = "U64", f64 = "F64"

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .bool, .u8, .i8, .f8e5m2, .f8e4m3: return 1
        case .i16, .u16, .f16, .bf16: return 2
        case .i32, .u32, .f32: return 4
        case .i64, .u64, .f64: return 8
        }
    }

    /// The ggml type with the same encoding, for the types `floats` converts.
    var ggmlFloatType: GGMLType? {
        switch self {
        case .f32: return .f32
        case .f16: return .f16
        case .bf16: return .bf16
        default: return nil
        }
    }
}

/// One tensor's name, dtype, shape and (validated) byte range in a safetensors file.
public struct SafetensorsTensorInfo: Sendable, Equatable {
    /// Tensor name as in the header.
    public let name: String
    /// Element type.
    public let dtype: SafetensorsDType
    /// Row-major shape, outermost first.
    public let shape: [Int]
    /// Absolute byte offset of the data in the file.
    public let offset: Int
    /// Bytes of data.
    public let byteCount: Int
    /// Number of elements (product of the shape; 1 for a scalar).
    public let elementCount: Int
}

/// A memory-mapped safetensors file with its header parsed and validated.
public final class SafetensorsFile: Sendable {
    /// Real headers are a few megabytes; the reference implementation refuses more than 100 MB.
    public static let maxHeaderBytes = 100_000_000

    /// Path the file was opened from.
    public let path: String
    /// The `__metadata__` string map (empty if absent).
    public let metadata: [String: String]
    /// Tensor infos ordered by their position in the file.
    public let tensors: [SafetensorsTensorInfo]

    private let file: MappedFile
    private let index: [String: Int]

    /// Maps and parses the file at `path`; throws `WeightFileError` if it is not valid safetensors.
    public init(path: String) throws {
        let file = try MappedFile(path: path)
        let (metadata, tensors) = try Self.parseHeader(file.bytes, path: path)
        self.file = file
        self.path = path
        self.metadata = metadata
        self.tensors = tensors
        var index: [String: Int] = [:]
        for (i, t) in tensors.enumerated() { index[t.name] = i }
        self.index = index
    }

    /// The info for tensor `name`; throws if there is none.
    public func tensor(_ name: String) throws -> SafetensorsTensorInfo {
        guard let i = index[name] else { throw WeightFileError(path: path, tensor: name, .tensorNotFound) }
        return tensors[i]
    }

    /// The raw bytes of tensor `name`, in place in the mapping; valid while this object lives.
    public func tensorData(_ name: String) throws -> UnsafeRawBufferPointer {
        let info = try tensor(name)
        return UnsafeRawBufferPointer(rebasing: file.bytes[info.offset..<(info.offset + info.byteCount)])
    }

    /// Tensor `name` (F32, F16 or BF16) as Float32 in row-major order.
    public func floats(_ name: String, threads: Int? = nil) throws -> [Float] {
        let info = try tensor(name)
        guard let type = info.dtype.ggmlFloatType else {
            throw WeightFileError(path: path, tensor: name, .unsupportedTensorType(info.dtype.rawValue))
        }
        let data = try tensorData(name)
        return try [Float](unsafeUninitializedCapacity: info.elementCount) { buffer, initialized in
            do {
                try Dequantizer.dequantize(type, from: data, into: buffer, threads: threads)
            } catch {
                throw WeightFileError(path: path, tensor: name, .malformedHeader("\(error)"))
            }
            initialized = info.elementCount
        }
    }

    // MARK: - Header

    private struct DynamicKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    private struct Entry: Decodable {
        let dtype: String
        let shape: [UInt64]
        let dataOffsets: [UInt64]
        enum CodingKeys: String, CodingKey {
            case dtype, shape
            case dataOffsets = "data_offsets"
        }
    }

    private struct Header: Decodable {
        var metadata: [String: String] = [:]
        var entries: [(String, Entry)] = []
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: DynamicKey.self)
            for key in container.allKeys {
                if key.stringValue == "__metadata__" {
                    metadata = try container.decode([String: String].self, forKey: key)
                } else {
                    entries.append((key.stringValue, try container.decode(Entry.self, forKey: key)))
                }
            }
        }
    }

    private static func parseHeader(_ bytes: UnsafeRawBufferPointer, path: String)
        throws -> ([String: String], [SafetensorsTensorInfo]) {
        func fail(_ reason: WeightFileError.Reason, _ tensor: String? = nil) -> WeightFileError {
            WeightFileError(path: path, tensor: tensor, reason)
        }
        var cursor = ByteCursor(bytes, path: path)
        let headerLength = try cursor.read(UInt64.self, "header length")
        guard headerLength <= UInt64(cursor.remaining), headerLength <= UInt64(maxHeaderBytes) else {
            throw fail(.implausibleCount(what: "header length (file has \(cursor.remaining) bytes after it)",
                                         value: headerLength))
        }
        let json = try cursor.readBytes(headerLength, "header")
        guard json.first == UInt8(ascii: "{") else {
            throw fail(.badMagic(found: "header does not start with '{'"))
        }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: Data(json))
        } catch {
            throw fail(.malformedHeader(Self.describe(error)))
        }

        let dataStart = cursor.offset
        let dataSize = bytes.count - dataStart
        var tensors: [SafetensorsTensorInfo] = []
        tensors.reserveCapacity(header.entries.count)
        for (name, entry) in header.entries {
            guard let dtype = SafetensorsDType(rawValue: entry.dtype) else {
                throw fail(.unsupportedTensorType(entry.dtype), name)
            }
            guard entry.dataOffsets.count == 2 else {
                throw fail(.malformedHeader("data_offsets must hold two numbers, got \(entry.dataOffsets.count)"), name)
            }
            var elements = 1
            for dim in entry.shape {
                let (product, overflow) = elements.multipliedReportingOverflow(by: Int(clamping: dim))
                guard dim <= UInt64(Int.max), !overflow else {
                    throw fail(.invalidShape("element count of \(entry.shape) overflows"), name)
                }
                elements = product
            }
            let (byteCount, overflow) = elements.multipliedReportingOverflow(by: dtype.byteSize)
            guard !overflow else { throw fail(.invalidShape("byte count of \(entry.shape) overflows"), name) }
            let begin = entry.dataOffsets[0], end = entry.dataOffsets[1]
            guard begin <= end, end <= UInt64(dataSize) else {
                throw fail(.dataOutOfBounds(start: begin, end: end, limit: dataSize), name)
            }
            guard end - begin == UInt64(byteCount) else {
                throw fail(.invalidShape("\(entry.shape) of \(dtype.rawValue) needs \(byteCount) bytes, data_offsets give \(end - begin)"), name)
            }
            tensors.append(SafetensorsTensorInfo(name: name, dtype: dtype, shape: entry.shape.map { Int($0) },
                                                 offset: dataStart + Int(begin), byteCount: byteCount,
                                                 elementCount: elements))
        }
        tensors.sort { ($0.offset, $0.name) < ($1.offset, $1.name) }
        for (a, b) in zip(tensors, tensors.dropFirst()) where a.offset + a.byteCount > b.offset {
            throw fail(.duplicateOrOverlap("data overlaps tensor '\(a.name)'"), b.name)
        }
        return (header.metadata, tensors)
    }

    private static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .dataCorrupted(let context), .typeMismatch(_, let context), .valueNotFound(_, let context),
             .keyNotFound(_, let context):
            let where_ = context.codingPath.map(\.stringValue).joined(separator: ".")
            return (where_.isEmpty ? "" : "at \(where_): ") + context.debugDescription
        @unknown default:
            return "\(error)"
        }
    }
}
