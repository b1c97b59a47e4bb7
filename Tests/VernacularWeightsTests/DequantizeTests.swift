// Dequantisation against gguf-py's reference values (Fixtures/dequant.json), bit for bit,
// single- and multi-threaded, directly and through a GGUF file.

import Foundation
import Testing
import VernacularWeights

@Suite struct DequantizeTests {
    static let typeNames = ["F32", "F16", "BF16", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q4_K", "Q5_K", "Q6_K", "Q8_K"]

    @Test func fixturesCoverEveryDequantizableType() {
        #expect(Set(Fixtures.dequant.values.map { GGMLType(rawValue: $0.type) }) == GGMLType.dequantizable)
    }

    @Test(arguments: typeNames)
    func matchesReference(typeName: String) throws {
        let fixture = try #require(Fixtures.dequant[typeName])
        let type = GGMLType(rawValue: fixture.type)
        #expect(type.name == typeName)
        let expected = fixture.floats
        #expect(expected.count == fixture.rows * fixture.rowLength)
        for threads in [1, 2, 3, 7] {
            var out = [Float](repeating: .nan, count: expected.count)
            try fixture.bytes.withUnsafeBytes { src in
                try out.withUnsafeMutableBufferPointer { dst in
                    try Dequantizer.dequantize(type, from: src, into: dst, threads: threads)
                }
            }
            let (maxAbs, identical) = compare(out, expected)
            #expect(identical, "\(typeName), \(threads) thread(s): max abs error \(maxAbs)")
        }
    }

    @Test func allTypesThroughAGGUFFile() throws {
        var w = GGUFTestWriter()
        w.tensors = Self.typeNames.map { name in
            let f = Fixtures.dequant[name]!
            return .init(name: "t.\(name)", dims: [UInt64(f.rowLength), UInt64(f.rows)], type: f.type, data: f.bytes)
        }
        try withTemporaryFile(w.bytes()) { path throws in
            let file = try GGUFFile(path: path)
            for name in Self.typeNames {
                let f = Fixtures.dequant[name]!
                let info = try file.tensor("t.\(name)")
                #expect(info.shape == [f.rows, f.rowLength])
                #expect(info.byteCount == f.bytes.count)
                #expect(Array(try file.tensorData("t.\(name)")) == f.bytes)
                #expect(compare(try file.dequantize("t.\(name)"), f.floats).identical, "\(name)")
            }
        }
    }

    /// Every one of the 65,536 half-precision bit patterns against Swift's own Float16.
    @Test func halfPrecisionIsExactForEveryBitPattern() throws {
        let halves = (0...UInt16.max).map { $0 }
        var out = [Float](repeating: 0, count: halves.count)
        try halves.withUnsafeBytes { src in
            try out.withUnsafeMutableBufferPointer { try Dequantizer.dequantize(.f16, from: src, into: $0) }
        }
        for (h, f) in zip(halves, out) {
            #if arch(x86_64) || arch(arm64)
            let reference = Float(Float16(bitPattern: h))
            if reference.isNaN {
                #expect(f.isNaN, "half \(h)")
                #expect(f.bitPattern & 0x007f_ffff == UInt32(h & 0x3ff) << 13, "NaN payload of \(h)")
            } else {
                #expect(f.bitPattern == reference.bitPattern, "half \(h)")
            }
            #endif
        }
    }

    @Test func bfloat16IsTheTopOfAFloat() throws {
        let values: [Float] = [0, -0.0, 1, -3.5, .infinity, -.infinity, .leastNormalMagnitude / 4, 3.0e38]
        let halves = values.map { UInt16($0.bitPattern >> 16) }
        var out = [Float](repeating: 0, count: values.count)
        try halves.withUnsafeBytes { src in
            try out.withUnsafeMutableBufferPointer { try Dequantizer.dequantize(.bf16, from: src, into: $0) }
        }
        #expect(out.map(\.bitPattern) == values.map { $0.bitPattern & 0xffff_0000 })
    }

    /// A big random Q4_K tensor: the parallel path (row split) must equal the serial one.
    @Test func parallelMatchesSerialOnABigTensor() throws {
        var rng = SplitMix64(state: 7)
        let blocks = 4099  // not a multiple of any thread count
        var bytes = (0..<(blocks * 144)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        for b in 0..<blocks { bytes[b * 144 + 1] &= 0x3b; bytes[b * 144 + 3] &= 0x3b }  // finite scales
        var serial = [Float](repeating: 0, count: blocks * 256), parallel = serial
        try bytes.withUnsafeBytes { src in
            try serial.withUnsafeMutableBufferPointer { try Dequantizer.dequantizeSerial(.q4_K, from: src, into: $0) }
            try parallel.withUnsafeMutableBufferPointer { try Dequantizer.dequantize(.q4_K, from: src, into: $0, threads: 5) }
        }
        #expect(compare(serial, parallel).identical)
        #expect(serial.allSatisfy { $0.isFinite })
    }

    @Test func sizeMismatchAndUnsupportedTypeThrow() throws {
        let bytes = [UInt8](repeating: 0, count: 18)
        var out = [Float](repeating: 0, count: 33)
        bytes.withUnsafeBytes { src in
            out.withUnsafeMutableBufferPointer { dst in
                #expect(throws: DequantizationError.sizeMismatch(type: .q4_0, bytes: 18, elements: 33)) {
                    try Dequantizer.dequantize(.q4_0, from: src, into: dst)
                }
                #expect(throws: DequantizationError.unsupportedType(.q2_K)) {
                    try Dequantizer.dequantize(.q2_K, from: src, into: dst)
                }
            }
        }
        #expect(Dequantizer.byteCount(of: .q6_K, elements: 512) == 420)
        #expect(Dequantizer.byteCount(of: .q6_K, elements: 100) == nil)
        #expect(Dequantizer.byteCount(of: .q8_0, elements: Int.max / 32 * 32) == nil)
    }
}
