// Helpers shared by the weight-file tests: a GGUF and a safetensors writer that can also write
// lies on purpose, temporary files, fixtures and a deterministic random generator.

import Foundation
import Testing
import VernacularWeights

/// Little-endian byte sink.
struct ByteSink {
    var bytes: [UInt8] = []
    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func string(_ s: String) { u64(UInt64(s.utf8.count)); bytes += s.utf8 }
    mutating func pad(to alignment: Int) { while bytes.count % alignment != 0 { bytes.append(0) } }

    static func typeCode(_ v: GGUFValue) -> UInt32 {
        switch v {
        case .uint8: 0
        case .int8: 1
        case .uint16: 2
        case .int16: 3
        case .uint32: 4
        case .int32: 5
        case .float32: 6
        case .bool: 7
        case .string: 8
        case .array: 9
        case .uint64: 10
        case .int64: 11
        case .float64: 12
        }
    }

    /// Writes a value's payload (not its type code).
    mutating func value(_ v: GGUFValue) {
        switch v {
        case .uint8(let x): u8(x)
        case .int8(let x): u8(UInt8(bitPattern: x))
        case .uint16(let x): withUnsafeBytes(of: x.littleEndian) { bytes += $0 }
        case .int16(let x): withUnsafeBytes(of: x.littleEndian) { bytes += $0 }
        case .uint32(let x): u32(x)
        case .int32(let x): u32(UInt32(bitPattern: x))
        case .uint64(let x): u64(x)
        case .int64(let x): u64(UInt64(bitPattern: x))
        case .float32(let x): u32(x.bitPattern)
        case .float64(let x): u64(x.bitPattern)
        case .bool(let x): u8(x ? 1 : 0)
        case .string(let s): string(s)
        case .array(let items):
            u32(items.first.map(Self.typeCode) ?? 0)
            u64(UInt64(items.count))
            for item in items { value(item) }
        }
    }
}

/// Builds a GGUF file in memory. Fields left alone give a valid file; the overrides write lies.
struct GGUFTestWriter {
    struct Tensor {
        var name: String
        var dims: [UInt64]
        var type: UInt32
        var data: [UInt8]
        /// Offset to write in the header instead of the real one.
        var offsetOverride: UInt64? = nil
    }

    var magic: [UInt8] = Array("GGUF".utf8)
    var version: UInt32 = 3
    var metadata: [(String, GGUFValue)] = []
    var tensors: [Tensor] = []
    var tensorCountOverride: UInt64? = nil
    var kvCountOverride: UInt64? = nil

    /// Layout alignment: `general.alignment` when it is usable, else the default (so a test can
    /// write a bad alignment value and still get a file).
    var alignment: Int {
        let a = metadata.first { $0.0 == "general.alignment" }?.1.int ?? 32
        return a > 0 ? a : 32
    }

    func bytes() -> [UInt8] {
        var sink = ByteSink()
        sink.bytes += magic
        sink.u32(version)
        sink.u64(tensorCountOverride ?? UInt64(tensors.count))
        sink.u64(kvCountOverride ?? UInt64(metadata.count))
        for (key, value) in metadata {
            sink.string(key)
            sink.u32(ByteSink.typeCode(value))
            sink.value(value)
        }
        // Lay the data out first so the header can carry each tensor's real offset.
        var offsets: [UInt64] = []
        var dataSize = 0
        for t in tensors {
            dataSize = (dataSize + alignment - 1) / alignment * alignment
            offsets.append(UInt64(dataSize))
            dataSize += t.data.count
        }
        for (t, offset) in zip(tensors, offsets) {
            sink.string(t.name)
            sink.u32(UInt32(t.dims.count))
            for d in t.dims { sink.u64(d) }
            sink.u32(t.type)
            sink.u64(t.offsetOverride ?? offset)
        }
        sink.pad(to: alignment)
        let dataStart = sink.bytes.count
        for (t, offset) in zip(tensors, offsets) {
            sink.bytes += [UInt8](repeating: 0, count: dataStart + Int(offset) - sink.bytes.count)
            sink.bytes += t.data
        }
        return sink.bytes
    }
}

/// Writes `bytes` to a fresh temporary file, runs `body` with its path, then deletes it.
func withTemporaryFile<R>(_ bytes: [UInt8], suffix: String = ".gguf", _ body: (String) throws -> R) throws -> R {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("vern-weights-\(UUID().uuidString)\(suffix)")
    try Data(bytes).write(to: url)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url.path)
}

/// Opens `bytes` as GGUF and returns the reason it failed (nil if it opened).
func ggufFailure(_ bytes: [UInt8]) throws -> WeightFileError? {
    try withTemporaryFile(bytes) { path -> WeightFileError? in
        do {
            _ = try GGUFFile(path: path)
            return nil
        } catch let error as WeightFileError {
            #expect(error.path == path)
            return error
        }
    }
}

/// SplitMix64: a tiny deterministic generator so fuzz runs repeat exactly.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

/// One entry of Fixtures/dequant.json (made by bench/weights/make_dequant_fixtures.py).
struct DequantFixture: Decodable {
    let type: UInt32
    let rows: Int
    let rowLength: Int
    let data: String
    let expected: String

    var bytes: [UInt8] { [UInt8](Data(base64Encoded: data)!) }
    var floats: [Float] {
        Data(base64Encoded: expected)!.withUnsafeBytes { raw in
            (0..<(raw.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
    }
}

enum Fixtures {
    static func url(_ name: String) -> URL {
        Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil)!
    }

    static let dequant: [String: DequantFixture] = {
        try! JSONDecoder().decode([String: DequantFixture].self, from: Data(contentsOf: url("dequant.json")))
    }()
}

/// Largest absolute difference, and whether every pair is bit-identical (which also covers -0, inf).
func compare(_ a: [Float], _ b: [Float]) -> (maxAbs: Float, identical: Bool) {
    var maxAbs: Float = 0
    var identical = a.count == b.count
    for (x, y) in zip(a, b) {
        if x.bitPattern != y.bitPattern { identical = false }
        if x.isFinite && y.isFinite { maxAbs = max(maxAbs, abs(x - y)) }
    }
    return (maxAbs, identical)
}
