// Reading well-formed GGUF files: every metadata type, nested arrays, alignment, tensor layout.

import Foundation
import Testing
import VernacularWeights

@Suite struct GGUFReaderTests {
    static let allTypes: [(String, GGUFValue)] = [
        ("u8", .uint8(200)), ("i8", .int8(-5)), ("u16", .uint16(60000)), ("i16", .int16(-30000)),
        ("u32", .uint32(4_000_000_000)), ("i32", .int32(-2_000_000_000)),
        ("u64", .uint64(UInt64.max)), ("i64", .int64(Int64.min)),
        ("f32", .float32(1.5)), ("f64", .float64(-2.25)), ("yes", .bool(true)), ("no", .bool(false)),
        ("general.architecture", .string("llama")), ("yue", .string("佢哋喺度食緊嘢")),
        ("tokens", .array([.string("<s>"), .string("嘅"), .string("")])),
        ("scores", .array([.float32(-1), .float32(0.5)])),
        ("types", .array([.int32(1), .int32(3)])),
        ("nested", .array([.array([.uint8(1), .uint8(2)]), .array([.uint8(3)])])),
        ("empty", .array([])),
    ]

    @Test func readsEveryMetadataType() throws {
        var w = GGUFTestWriter()
        w.metadata = Self.allTypes
        try withTemporaryFile(w.bytes()) { path throws in
            let file = try GGUFFile(path: path)
            #expect(file.version == 3)
            #expect(file.metadataKeys == Self.allTypes.map(\.0))
            for (key, value) in Self.allTypes {
                #expect(file.metadata[key] == value, "key \(key)")
            }
            #expect(file.architecture == "llama")
            #expect(file.metadata["u64"]?.int == nil)  // does not fit in Int
            #expect(file.metadata["i64"]?.int == Int(Int64.min))
            #expect(file.metadata["u16"]?.int == 60000)
            #expect(file.metadata["f64"]?.float == -2.25)
            #expect(file.metadata["yue"]?.string == "佢哋喺度食緊嘢")
            #expect(file.metadata["tokens"]?.stringArray == ["<s>", "嘅", ""])
            #expect(file.metadata["scores"]?.floatArray == [-1, 0.5])
            #expect(file.metadata["types"]?.intArray == [1, 3])
            #expect(file.metadata["types"]?.stringArray == nil)
            #expect(file.metadata["nested"]?.array?.count == 2)
            #expect(file.metadata["empty"]?.array == [])
            #expect(file.tensors.isEmpty)
        }
    }

    @Test func acceptsVersion2() throws {
        var w = GGUFTestWriter()
        w.version = 2
        w.metadata = [("a", .uint32(1))]
        try withTemporaryFile(w.bytes()) { path throws in
            #expect(try GGUFFile(path: path).version == 2)
        }
    }

    @Test(arguments: [32, 64, 1, 4096])
    func laysOutTensorsAtTheAlignment(alignment: Int) throws {
        var w = GGUFTestWriter()
        if alignment != 32 { w.metadata = [("general.alignment", .uint32(UInt32(alignment)))] }
        // Sizes chosen so that the second and third tensors need padding before them.
        let a = (0..<3).map { Float($0) }, b = (0..<5).map { Float($0) * -2 }
        let c: [UInt16] = [0x3c00, 0xc000, 0x7c00, 0x0001]  // 1, -2, inf, smallest subnormal
        w.tensors = [
            .init(name: "a", dims: [3], type: 0, data: a.flatMap(Self.bytes)),
            .init(name: "b", dims: [5, 1], type: 0, data: b.flatMap(Self.bytes)),
            .init(name: "c", dims: [2, 2], type: 1, data: c.flatMap { [UInt8($0 & 0xff), UInt8($0 >> 8)] }),
        ]
        try withTemporaryFile(w.bytes()) { path throws in
            let file = try GGUFFile(path: path)
            #expect(file.alignment == alignment)
            #expect(file.dataOffset % alignment == 0)
            #expect(file.tensors.map(\.name) == ["a", "b", "c"])
            for t in file.tensors { #expect((t.offset - file.dataOffset) % alignment == 0) }
            let tb = try file.tensor("b")
            #expect(tb.dimensions == [5, 1] && tb.shape == [1, 5] && tb.rowLength == 5 && tb.rowCount == 1)
            #expect(tb.byteCount == 20 && tb.elementCount == 5 && tb.type == .f32)
            #expect(try file.dequantize("a") == a)
            #expect(try file.dequantize("b") == b)
            #expect(try file.dequantize("c") == [1, -2, .infinity, 0x1p-24])
            #expect(Array(try file.tensorData("c")) == w.tensors[2].data)
            var out = [Float](repeating: 0, count: 5)
            try out.withUnsafeMutableBufferPointer { try file.dequantize("b", into: $0) }
            #expect(out == b)
        }
    }

    @Test func fileWithNoTensorsMayEndRightAfterHeader() throws {
        var w = GGUFTestWriter()
        w.metadata = [("k", .uint8(1))]
        var bytes = w.bytes()
        // Drop the padding the writer added: nothing follows, so nothing is missing.
        while bytes.count > 24 + 8 + 1 + 4 + 1 { bytes.removeLast() }
        try withTemporaryFile(bytes) { path throws in
            #expect(try GGUFFile(path: path).metadata["k"] == .uint8(1))
        }
    }

    @Test func emptyTensorIsAllowed() throws {
        var w = GGUFTestWriter()
        w.tensors = [.init(name: "none", dims: [0, 4], type: 0, data: [])]
        try withTemporaryFile(w.bytes()) { path throws in
            let file = try GGUFFile(path: path)
            #expect(try file.dequantize("none") == [])
            #expect(try file.tensor("none").rowCount == 0)
        }
    }

    static func bytes(_ f: Float) -> [UInt8] { withUnsafeBytes(of: f.bitPattern.littleEndian) { Array($0) } }
}
