import Foundation

/// Writes a GGUF (version 3) file: metadata key/values in the order given, then tensor
/// descriptions, then the tensors' data, each aligned as `general.alignment` says (32 by default).
/// Tensors are float32 values encoded as F32, F16 or Q8_0 (blocks of 32: an f16 scale and 32
/// signed bytes, the scale max|x| / 127), the types llama.cpp and our reader load.
public enum GGUFWriter {
    public struct Tensor: Sendable {
        public let name: String
        /// Row-major shape, outermost first (written reversed, as ggml orders dimensions).
        public let shape: [Int]
        public let values: [Float]
        public let type: GGMLType
        public init(name: String, shape: [Int], values: [Float], type: GGMLType) {
            self.name = name
            self.shape = shape
            self.values = values
            self.type = type
        }
    }

    public static let alignment = 32

    public static func write(metadata: [(key: String, value: GGUFValue)], tensors: [Tensor], to path: String) throws {
        var header: [UInt8] = Array("GGUF".utf8)
        append(UInt32(3), to: &header)
        append(UInt64(tensors.count), to: &header)
        append(UInt64(metadata.count), to: &header)
        for (key, value) in metadata {
            appendString(key, to: &header)
            append(typeCode(value), to: &header)
            try appendValue(value, to: &header)
        }
        var encoded: [[UInt8]] = []
        var offset = 0
        for tensor in tensors {
            guard tensor.shape.reduce(1, *) == tensor.values.count else {
                throw WeightFileError(path: path, tensor: tensor.name, .invalidShape("shape \(tensor.shape) for \(tensor.values.count) values"))
            }
            let data = try encode(tensor, path: path)
            appendString(tensor.name, to: &header)
            append(UInt32(tensor.shape.count), to: &header)
            for dimension in tensor.shape.reversed() { append(UInt64(dimension), to: &header) }
            append(tensor.type.rawValue, to: &header)
            append(UInt64(offset), to: &header)
            offset += padded(data.count)
            encoded.append(data)
        }
        header += [UInt8](repeating: 0, count: padded(header.count) - header.count)
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw WeightFileError(path: path, .cannotOpen("cannot create the file"))
        }
        defer { try? handle.close() }
        try handle.write(contentsOf: Data(header))
        for data in encoded {
            try handle.write(contentsOf: Data(data + [UInt8](repeating: 0, count: padded(data.count) - data.count)))
        }
    }

    static func padded(_ count: Int) -> Int { (count + alignment - 1) / alignment * alignment }

    static func encode(_ tensor: Tensor, path: String) throws -> [UInt8] {
        var out: [UInt8] = []
        switch tensor.type {
        case .f32:
            out.reserveCapacity(tensor.values.count * 4)
            for value in tensor.values { append(value.bitPattern, to: &out) }
        case .f16:
            out.reserveCapacity(tensor.values.count * 2)
            for value in tensor.values { append(Float16(value).bitPattern, to: &out) }
        case .q8_0:
            guard tensor.values.count % 32 == 0, (tensor.shape.last ?? 0) % 32 == 0 else {
                throw WeightFileError(path: path, tensor: tensor.name, .invalidShape("Q8_0 needs rows in multiples of 32, got \(tensor.shape)"))
            }
            out.reserveCapacity(tensor.values.count / 32 * 34)
            for block in stride(from: 0, to: tensor.values.count, by: 32) {
                let values = tensor.values[block..<(block + 32)]
                let largest = values.reduce(Float(0)) { Swift.max($0, Swift.abs($1)) }
                let scale = largest / 127
                // The scale as stored (f16), so the quantised values use what the reader will use.
                let stored = Float16(scale)
                append(stored.bitPattern, to: &out)
                let inverse = Float(stored) == 0 ? 0 : 1 / Float(stored)
                for value in values {
                    let q = Swift.max(-127, Swift.min(127, (value * inverse).rounded(.toNearestOrAwayFromZero)))
                    out.append(UInt8(bitPattern: Int8(q)))
                }
            }
        default:
            throw WeightFileError(path: path, tensor: tensor.name, .unsupportedTensorType("\(tensor.type) (write F32, F16 or Q8_0)"))
        }
        return out
    }

    static func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out += $0 }
    }

    static func appendString(_ text: String, to out: inout [UInt8]) {
        append(UInt64(text.utf8.count), to: &out)
        out += Array(text.utf8)
    }

    static func typeCode(_ value: GGUFValue) -> UInt32 {
        switch value {
        case .uint8: return 0
        case .int8: return 1
        case .uint16: return 2
        case .int16: return 3
        case .uint32: return 4
        case .int32: return 5
        case .float32: return 6
        case .bool: return 7
        case .string: return 8
        case .array: return 9
        case .uint64: return 10
        case .int64: return 11
        case .float64: return 12
        }
    }

    static func appendValue(_ value: GGUFValue, to out: inout [UInt8]) throws {
        switch value {
        case .uint8(let v): out.append(v)
        case .int8(let v): out.append(UInt8(bitPattern: v))
        case .uint16(let v): append(v, to: &out)
        case .int16(let v): append(v, to: &out)
        case .uint32(let v): append(v, to: &out)
        case .int32(let v): append(v, to: &out)
        case .uint64(let v): append(v, to: &out)
        case .int64(let v): append(v, to: &out)
        case .float32(let v): append(v.bitPattern, to: &out)
        case .float64(let v): append(v.bitPattern, to: &out)
        case .bool(let v): out.append(v ? 1 : 0)
        case .string(let v): appendString(v, to: &out)
        case .array(let items):
            // An empty array is written as an array of uint8.
            append(items.first.map(typeCode) ?? 0, to: &out)
            append(UInt64(items.count), to: &out)
            for item in items { try appendValue(item, to: &out) }
        }
    }
}
