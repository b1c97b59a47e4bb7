import Foundation

/// Writes float32 tensors as a safetensors file (u64 header length, JSON header padded to 8
/// bytes, then the data in order), the format `SafetensorsFile` reads and `safetensors` loads.
public enum SafetensorsWriter {
    /// One tensor to write: its name, row-major shape and values.
    public struct Tensor: Sendable {
        public let name: String
        public let shape: [Int]
        public let values: [Float]
        public init(name: String, shape: [Int], values: [Float]) {
            self.name = name
            self.shape = shape
            self.values = values
        }
    }

    public static func write(_ tensors: [Tensor], metadata: [String: String] = ["format": "pt"], to path: String) throws {
        var header: [String: Any] = [:]
        var offset = 0
        for tensor in tensors {
            guard tensor.shape.reduce(1, *) == tensor.values.count else {
                throw WeightFileError(path: path, tensor: tensor.name, .invalidShape("shape \(tensor.shape) does not hold \(tensor.values.count) values"))
            }
            let bytes = tensor.values.count * 4
            header[tensor.name] = ["dtype": "F32", "shape": tensor.shape, "data_offsets": [offset, offset + bytes]] as [String: Any]
            offset += bytes
        }
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw WeightFileError(path: path, .cannotOpen("cannot create the file"))
        }
        defer { try? handle.close() }
        var length = UInt64(json.count).littleEndian
        try handle.write(contentsOf: Data(bytes: &length, count: 8))
        try handle.write(contentsOf: json)
        for tensor in tensors {
            try tensor.values.withUnsafeBytes { try handle.write(contentsOf: Data($0)) }
        }
    }
}
