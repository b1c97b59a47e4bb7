// A GGUF model file, memory-mapped: metadata and tensor table parsed and validated at open,
// tensor bytes read in place and dequantised on demand.

import Foundation

/// A memory-mapped GGUF file (v2/v3): metadata, tensor table and in-place tensor data.
public final class GGUFFile: Sendable {
    /// Path the file was opened from.
    public let path: String
    /// GGUF format version (2 or 3).
    public let version: UInt32
    /// Alignment of tensor data (`general.alignment`, default 32).
    public let alignment: Int
    /// Absolute offset where the data section begins.
    public let dataOffset: Int
    /// All metadata by key.
    public let metadata: [String: GGUFValue]
    /// Metadata keys in file order.
    public let metadataKeys: [String]
    /// Tensor infos in file order.
    public let tensors: [GGUFTensorInfo]

    private let file: MappedFile
    private let index: [String: Int]

    /// Maps and parses the file at `path`; throws `WeightFileError` if it is not valid GGUF.
    public init(path: String) throws {
        let file = try MappedFile(path: path)
        var reader = GGUFHeaderReader(bytes: file.bytes, path: path)
        let header = try reader.read()
        self.file = file
        self.path = path
        version = header.version
        alignment = header.alignment
        dataOffset = header.dataOffset
        metadata = header.metadata
        metadataKeys = header.metadataKeys
        tensors = header.tensors
        var index: [String: Int] = [:]
        for (i, t) in header.tensors.enumerated() { index[t.name] = i }
        self.index = index
    }

    /// `general.architecture` ("llama", "gemma3", ...), if present.
    public var architecture: String? { metadata["general.architecture"]?.string }

    /// The info for tensor `name`; throws if there is none.
    public func tensor(_ name: String) throws -> GGUFTensorInfo {
        guard let i = index[name] else { throw WeightFileError(path: path, tensor: name, .tensorNotFound) }
        return tensors[i]
    }

    /// The raw bytes of tensor `name`, in place in the mapping; valid while this object lives.
    public func tensorData(_ name: String) throws -> UnsafeRawBufferPointer {
        bytes(of: try tensor(name))
    }

    private func bytes(of info: GGUFTensorInfo) -> UnsafeRawBufferPointer {
        // Bounds were checked against the file size when the header was read.
        UnsafeRawBufferPointer(rebasing: file.bytes[info.offset..<(info.offset + info.byteCount)])
    }

    /// Tensor `name` as Float32 in ggml element order (row-major over `shape`).
    /// - Parameter threads: worker count; nil picks one per core for big tensors.
    public func dequantize(_ name: String, threads: Int? = nil) throws -> [Float] {
        let info = try tensor(name)
        try checkDequantizable(info)
        return try [Float](unsafeUninitializedCapacity: info.elementCount) { buffer, initialized in
            try fill(info, into: buffer, threads: threads)
            initialized = info.elementCount
        }
    }

    /// Dequantises tensor `name` into `destination`, which must hold exactly its element count.
    public func dequantize(_ name: String, into destination: UnsafeMutableBufferPointer<Float>,
                           threads: Int? = nil) throws {
        let info = try tensor(name)
        try checkDequantizable(info)
        guard destination.count == info.elementCount else {
            throw WeightFileError(path: path, tensor: name, .sizeMismatch(expected: info.elementCount, got: destination.count))
        }
        try fill(info, into: destination, threads: threads)
    }

    private func checkDequantizable(_ info: GGUFTensorInfo) throws {
        guard info.type.isDequantizable else {
            throw WeightFileError(path: path, tensor: info.name, .unsupportedTensorType(info.type.name))
        }
    }

    private func fill(_ info: GGUFTensorInfo, into destination: UnsafeMutableBufferPointer<Float>,
                      threads: Int?) throws {
        do {
            try Dequantizer.dequantize(info.type, from: bytes(of: info), into: destination, threads: threads)
        } catch {
            // The header check already guarantees matching sizes; this keeps any surprise named.
            throw WeightFileError(path: path, tensor: info.name, .malformedHeader("\(error)"))
        }
    }
}
