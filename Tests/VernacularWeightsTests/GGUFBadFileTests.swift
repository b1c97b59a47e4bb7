// Broken and hostile GGUF files: each must throw a WeightFileError that names the file, the
// problem and (where it applies) the tensor, without crashing or allocating from a lying size.

import Foundation
import Testing
import VernacularWeights

@Suite struct GGUFBadFileTests {
    /// A small valid file with metadata, a quantised and a plain tensor.
    static func validWriter() -> GGUFTestWriter {
        var w = GGUFTestWriter()
        w.metadata = [
            ("general.architecture", .string("llama")),
            ("tokenizer.ggml.tokens", .array([.string("a"), .string("b")])),
            ("n", .uint32(7)),
        ]
        let q = Fixtures.dequant["Q4_0"]!
        w.tensors = [
            .init(name: "blk.0.attn_q.weight", dims: [UInt64(q.rowLength), UInt64(q.rows)], type: q.type, data: q.bytes),
            .init(name: "output_norm.weight", dims: [4], type: 0, data: [UInt8](repeating: 0, count: 16)),
        ]
        return w
    }

    @Test func validFileOpens() throws {
        let w = Self.validWriter()
        try withTemporaryFile(w.bytes()) { path throws in
            let file = try GGUFFile(path: path)
            #expect(file.tensors.count == 2)
            #expect(try file.dequantize("blk.0.attn_q.weight") == Fixtures.dequant["Q4_0"]!.floats)
        }
    }

    @Test func everyTruncationThrows() throws {
        let full = Self.validWriter().bytes()
        for length in 0..<full.count {
            let error = try ggufFailure(Array(full[..<length]))
            #expect(error != nil, "prefix of \(length) bytes opened")
        }
    }

    @Test func emptyFileIsTruncated() throws {
        let error = try #require(try ggufFailure([]))
        guard case .truncated = error.reason else { Issue.record("\(error)"); return }
    }

    @Test func missingFileAndDirectoryCannotOpen() throws {
        #expect(throws: WeightFileError.self) { try GGUFFile(path: "/nonexistent/vern/model.gguf") }
        let dir = FileManager.default.temporaryDirectory.path
        do {
            _ = try GGUFFile(path: dir)
            Issue.record("a directory opened")
        } catch let error as WeightFileError {
            #expect(error.reason == .cannotOpen("not a regular file"))
        }
    }

    @Test func wrongMagic() throws {
        var w = Self.validWriter()
        w.magic = Array("GGML".utf8)
        let error = try #require(try ggufFailure(w.bytes()))
        #expect(error.reason == .badMagic(found: "\"GGML\""))
        #expect(error.description.contains("GGML"))
    }

    @Test(arguments: [UInt32(0), 1, 4, 0x0300_0000])
    func unsupportedVersion(version: UInt32) throws {
        var w = Self.validWriter()
        w.version = version
        #expect(try ggufFailure(w.bytes())?.reason == .unsupportedVersion(version))
    }

    @Test func absurdStringLength() throws {
        var sink = ByteSink()
        sink.bytes += Array("GGUF".utf8)
        sink.u32(3)
        sink.u64(0)
        sink.u64(1)
        sink.u64(1 << 60)  // key length
        sink.bytes += Array("general.architecture".utf8)
        let error = try #require(try ggufFailure(sink.bytes))
        guard case .implausibleCount(let what, let value) = error.reason else { Issue.record("\(error)"); return }
        #expect(value == 1 << 60)
        #expect(what.contains("metadata key"))
    }

    @Test func absurdStringValueLengthNamesTheKey() throws {
        var w = GGUFTestWriter()
        w.metadata = [("general.name", .string("x"))]
        var bytes = w.bytes()
        // The value's length field follows magic, version, counts, key and type code.
        let at = 24 + 8 + "general.name".utf8.count + 4
        withUnsafeBytes(of: UInt64(1 << 62).littleEndian) { bytes.replaceSubrange(at..<(at + 8), with: $0) }
        let error = try #require(try ggufFailure(bytes))
        guard case .implausibleCount(let what, _) = error.reason else { Issue.record("\(error)"); return }
        #expect(what.contains("general.name"))
    }

    @Test func absurdTensorCount() throws {
        var w = Self.validWriter()
        w.tensorCountOverride = 1_000_000_000_000
        let error = try #require(try ggufFailure(w.bytes()))
        guard case .implausibleCount(let what, 1_000_000_000_000) = error.reason else { Issue.record("\(error)"); return }
        #expect(what.contains("tensor count"))
        #expect(error.description.contains("implausible tensor count"))
    }

    @Test func absurdMetadataCount() throws {
        var w = Self.validWriter()
        w.kvCountOverride = UInt64.max
        let error = try #require(try ggufFailure(w.bytes()))
        guard case .implausibleCount(_, let value) = error.reason else { Issue.record("\(error)"); return }
        #expect(value == UInt64.max)
    }

    @Test func absurdArrayLength() throws {
        var sink = ByteSink()
        sink.bytes += Array("GGUF".utf8)
        sink.u32(3)
        sink.u64(0)
        sink.u64(1)
        sink.string("tokenizer.ggml.scores")
        sink.u32(9)  // array
        sink.u32(6)  // of float32
        sink.u64(1 << 61)
        sink.bytes += [0, 0, 0, 0]
        let error = try #require(try ggufFailure(sink.bytes))
        guard case .implausibleCount(let what, 1 << 61) = error.reason else { Issue.record("\(error)"); return }
        #expect(what.contains("tokenizer.ggml.scores"))
    }

    @Test func deeplyNestedArrays() throws {
        var value = GGUFValue.array([.uint8(1)])
        for _ in 0..<20 { value = .array([value]) }
        var w = GGUFTestWriter()
        w.metadata = [("deep", value)]
        let error = try #require(try ggufFailure(w.bytes()))
        guard case .malformedHeader = error.reason else { Issue.record("\(error)"); return }
    }

    @Test func unknownValueType() throws {
        var w = GGUFTestWriter()
        w.metadata = [("k", .uint32(0))]
        var bytes = w.bytes()
        bytes[24 + 8 + 1] = 13  // the type code after key "k"
        #expect(try ggufFailure(bytes)?.reason == .unknownValueType(13))
    }

    @Test(arguments: [GGUFValue.uint32(3), .uint32(0), .string("32")])
    func badAlignment(value: GGUFValue) throws {
        var w = GGUFTestWriter()
        w.metadata = [("general.alignment", value)]
        let error = try #require(try ggufFailure(w.bytes()))
        guard case .malformedHeader(let message) = error.reason else { Issue.record("\(error)"); return }
        #expect(message.contains("general.alignment"))
    }

    @Test func tensorDataPastEndOfFile() throws {
        var w = Self.validWriter()
        w.tensors[1].offsetOverride = 4096
        let error = try #require(try ggufFailure(w.bytes()))
        #expect(error.tensor == "output_norm.weight")
        guard case .dataOutOfBounds(4096, 4112, _) = error.reason else { Issue.record("\(error)"); return }
        #expect(error.description.contains("output_norm.weight"))
    }

    @Test func tensorOffsetNearUInt64Max() throws {
        var w = Self.validWriter()
        w.tensors[1].offsetOverride = UInt64.max - 31
        let error = try #require(try ggufFailure(w.bytes()))
        guard case .dataOutOfBounds = error.reason else { Issue.record("\(error)"); return }
    }

    @Test func elementCountOverflow() throws {
        var w = Self.validWriter()
        w.tensors[1].dims = [1 << 32, 1 << 32, 1 << 32]
        let error = try #require(try ggufFailure(w.bytes()))
        #expect(error.tensor == "output_norm.weight")
        guard case .invalidShape(let message) = error.reason else { Issue.record("\(error)"); return }
        #expect(message.contains("overflows"))
    }

    @Test func byteCountOverflow() throws {
        var w = Self.validWriter()
        w.tensors[1].dims = [1 << 62, 1]  // elements fit in Int, bytes (x4) do not
        let error = try #require(try ggufFailure(w.bytes()))
        guard case .invalidShape = error.reason else { Issue.record("\(error)"); return }
    }

    @Test func dimensionBeyondInt64() throws {
        var w = Self.validWriter()
        w.tensors[1].dims = [UInt64.max]
        let error = try #require(try ggufFailure(w.bytes()))
        guard case .invalidShape = error.reason else { Issue.record("\(error)"); return }
    }

    @Test func tooManyDimensions() throws {
        var w = Self.validWriter()
        w.tensors[1].dims = [1, 1, 1, 1, 4]
        let error = try #require(try ggufFailure(w.bytes()))
        #expect(error.tensor == "output_norm.weight")
        guard case .implausibleCount(_, 5) = error.reason else { Issue.record("\(error)"); return }
    }

    @Test func absurdDimensionCount() throws {
        var w = Self.validWriter()
        w.tensors[1].dims = []
        var bytes = w.bytes()
        // Find the n_dims field of the second tensor: right after its name.
        let name = Array("output_norm.weight".utf8)
        let at = Self.find(name, in: bytes)! + name.count
        withUnsafeBytes(of: UInt32.max.littleEndian) { bytes.replaceSubrange(at..<(at + 4), with: $0) }
        let error = try #require(try ggufFailure(bytes))
        guard case .implausibleCount = error.reason else { Issue.record("\(error)"); return }
    }

    @Test func unknownTensorTypeNamesTensorAndType() throws {
        var w = Self.validWriter()
        w.tensors[1].type = 99
        let error = try #require(try ggufFailure(w.bytes()))
        #expect(error.tensor == "output_norm.weight")
        #expect(error.reason == .unsupportedTensorType("type#99"))
        #expect(error.description.contains("type#99") && error.description.contains("output_norm.weight"))
    }

    @Test func knownButUnsupportedTypeOpensAndThrowsOnDequantize() throws {
        var w = GGUFTestWriter()
        w.tensors = [.init(name: "blk.3.ffn_down.weight", dims: [256], type: GGMLType.q2_K.rawValue,
                           data: [UInt8](repeating: 0, count: 84))]
        try withTemporaryFile(w.bytes()) { path throws in
            let file = try GGUFFile(path: path)
            #expect(try file.tensorData("blk.3.ffn_down.weight").count == 84)
            #expect(throws: WeightFileError(path: path, tensor: "blk.3.ffn_down.weight", .unsupportedTensorType("Q2_K"))) {
                try file.dequantize("blk.3.ffn_down.weight")
            }
        }
    }

    @Test func rowNotWholeBlocks() throws {
        var w = Self.validWriter()
        w.tensors[0].dims = [16, 36]  // Q4_0 needs rows of 32k elements
        let error = try #require(try ggufFailure(w.bytes()))
        #expect(error.tensor == "blk.0.attn_q.weight")
        guard case .invalidShape = error.reason else { Issue.record("\(error)"); return }
    }

    @Test func unalignedOffset() throws {
        var w = Self.validWriter()
        w.tensors[1].offsetOverride = 3
        let error = try #require(try ggufFailure(w.bytes()))
        guard case .malformedHeader = error.reason else { Issue.record("\(error)"); return }
    }

    @Test func duplicateTensorName() throws {
        var w = Self.validWriter()
        w.tensors[1].name = w.tensors[0].name
        w.tensors[1].dims = w.tensors[0].dims
        w.tensors[1].type = w.tensors[0].type
        w.tensors[1].data = w.tensors[0].data
        let error = try #require(try ggufFailure(w.bytes()))
        guard case .duplicateOrOverlap = error.reason else { Issue.record("\(error)"); return }
    }

    @Test func overlappingTensors() throws {
        var w = Self.validWriter()
        w.tensors[1].offsetOverride = 32
        let error = try #require(try ggufFailure(w.bytes()))
        #expect(error.tensor == "output_norm.weight")
        guard case .duplicateOrOverlap = error.reason else { Issue.record("\(error)"); return }
    }

    @Test func duplicateMetadataKey() throws {
        var w = GGUFTestWriter()
        w.metadata = [("k", .uint8(1)), ("k", .uint8(2))]
        let error = try #require(try ggufFailure(w.bytes()))
        guard case .duplicateOrOverlap = error.reason else { Issue.record("\(error)"); return }
    }

    @Test func missingTensor() throws {
        try withTemporaryFile(Self.validWriter().bytes()) { path throws in
            let file = try GGUFFile(path: path)
            #expect(throws: WeightFileError(path: path, tensor: "nope", .tensorNotFound)) { try file.dequantize("nope") }
            #expect(throws: WeightFileError.self) { try file.tensorData("nope") }
        }
    }

    @Test func destinationOfWrongSize() throws {
        try withTemporaryFile(Self.validWriter().bytes()) { path throws in
            let file = try GGUFFile(path: path)
            var out = [Float](repeating: 0, count: 3)
            #expect(throws: WeightFileError(path: path, tensor: "output_norm.weight", .sizeMismatch(expected: 4, got: 3))) {
                try out.withUnsafeMutableBufferPointer { try file.dequantize("output_norm.weight", into: $0) }
            }
        }
    }

    /// Random byte corruption: every mutated file must open or throw, and whatever opens must
    /// dequantise without crashing (a crash fails the whole test run).
    @Test func randomCorruptionNeverCrashes() throws {
        let full = Self.validWriter().bytes()
        var rng = SplitMix64(state: 42)
        var opened = 0, failed = 0
        for _ in 0..<1500 {
            var bytes = full
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            try withTemporaryFile(bytes) { path throws in
                do {
                    let file = try GGUFFile(path: path)
                    for t in file.tensors where t.type.isDequantizable {
                        #expect(try file.dequantize(t.name).count == t.elementCount)
                    }
                    opened += 1
                } catch is WeightFileError {
                    failed += 1
                }
            }
        }
        #expect(opened > 0 && failed > 0)
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        return (0...(haystack.count - needle.count)).first { Array(haystack[$0..<($0 + needle.count)]) == needle }
    }
}
