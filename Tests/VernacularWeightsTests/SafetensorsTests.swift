// safetensors: reading F32/F16/BF16 tensors and metadata, and refusing broken headers.

import Foundation
import Testing
import VernacularWeights

@Suite struct SafetensorsTests {
    /// u64 header length | JSON header | data.
    static func file(header: String, data: [UInt8], headerLength: UInt64? = nil) -> [UInt8] {
        var sink = ByteSink()
        sink.u64(headerLength ?? UInt64(header.utf8.count))
        sink.bytes += header.utf8
        sink.bytes += data
        return sink.bytes
    }

    static func le<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
        values.flatMap { v in withUnsafeBytes(of: v.littleEndian) { Array($0) } }
    }

    static let a: [Float] = [1, -2, 3.5, 0, -0.25, 1e-3]
    static let goodHeader = """
        {"__metadata__":{"format":"pt","lang":"yue"},
         "b":{"dtype":"F16","shape":[4],"data_offsets":[24,32]},
         "a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},
         "c":{"dtype":"BF16","shape":[2],"data_offsets":[32,36]},
         "i":{"dtype":"I32","shape":[1],"data_offsets":[36,40]},
         "s":{"dtype":"F32","shape":[],"data_offsets":[40,44]}}
        """
    static let goodData: [UInt8] = le(a.map(\.bitPattern)) + le([UInt16(0x3c00), 0xc000, 0x7c00, 0x3555])
        + le([UInt16(Float(1.5).bitPattern >> 16), UInt16(Float(-8).bitPattern >> 16)]) + le([Int32(-7)])
        + le([Float(42).bitPattern])

    @Test func readsTensorsAndMetadata() throws {
        try withTemporaryFile(Self.file(header: Self.goodHeader, data: Self.goodData), suffix: ".safetensors") { path throws in
            let file = try SafetensorsFile(path: path)
            #expect(file.metadata == ["format": "pt", "lang": "yue"])
            #expect(file.tensors.map(\.name) == ["a", "b", "c", "i", "s"])  // file order
            let a = try file.tensor("a")
            #expect(a.dtype == .f32 && a.shape == [2, 3] && a.elementCount == 6 && a.byteCount == 24)
            #expect(try file.floats("a") == Self.a)
            #expect(try file.floats("b") == [1, -2, .infinity, 0.333251953125])
            #expect(try file.floats("c") == [1.5, -8])
            #expect(try file.floats("s") == [42])
            #expect(Array(try file.tensorData("i")) == Self.le([Int32(-7)]))
            #expect(throws: WeightFileError(path: path, tensor: "i", .unsupportedTensorType("I32"))) {
                try file.floats("i")
            }
            #expect(throws: WeightFileError(path: path, tensor: "zz", .tensorNotFound)) { try file.floats("zz") }
        }
    }

    static func failure(_ bytes: [UInt8]) throws -> WeightFileError? {
        try withTemporaryFile(bytes, suffix: ".safetensors") { path -> WeightFileError? in
            do {
                _ = try SafetensorsFile(path: path)
                return nil
            } catch let error as WeightFileError {
                #expect(error.path == path)
                return error
            }
        }
    }

    @Test func everyTruncationThrows() throws {
        let full = Self.file(header: Self.goodHeader, data: Self.goodData)
        for length in 0..<full.count {
            #expect(try Self.failure(Array(full[..<length])) != nil, "prefix of \(length) bytes opened")
        }
    }

    @Test(arguments: [UInt64(1) << 63, 1 << 40, 5000])
    func absurdHeaderLength(length: UInt64) throws {
        let error = try #require(try Self.failure(Self.file(header: "{}", data: [], headerLength: length)))
        guard case .implausibleCount(_, length) = error.reason else { Issue.record("\(error)"); return }
    }

    @Test func emptyHeaderIsAnEmptyFile() throws {
        try withTemporaryFile(Self.file(header: "{}", data: []), suffix: ".safetensors") { path throws in
            #expect(try SafetensorsFile(path: path).tensors.isEmpty)
        }
    }

    /// (header, data bytes, tensor the error should name or nil, expected reason kind)
    static let badHeaders: [(String, Int, String?, String)] = [
        ("[1,2]", 0, nil, "badMagic"),
        ("{not json", 0, nil, "malformedHeader"),
        (#"{"w":{"shape":[1],"data_offsets":[0,4]}}"#, 4, nil, "malformedHeader"),
        (#"{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, 4, nil, "malformedHeader"),
        (#"{"w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}"#, 4, nil, "malformedHeader"),
        (#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}"#, 8, "w", "malformedHeader"),
        (#"{"w":{"dtype":"Q4","shape":[1],"data_offsets":[0,4]}}"#, 4, "w", "unsupportedTensorType"),
        (#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, 4, "w", "invalidShape"),
        (#"{"w":{"dtype":"F32","shape":[1099511627776,1099511627776],"data_offsets":[0,4]}}"#, 4, "w", "invalidShape"),
        (#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, 4, "w", "dataOutOfBounds"),
        (#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}"#, 8, "w", "dataOutOfBounds"),
        (#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,18446744073709551615]}}"#, 4, "w", "dataOutOfBounds"),
        (#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"v":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
         8, "v", "duplicateOrOverlap"),
        (#"{"__metadata__":{"n":1}}"#, 0, nil, "malformedHeader"),
    ]

    @Test(arguments: 0..<badHeaders.count)
    func badHeader(index: Int) throws {
        let (header, dataCount, tensor, kind) = Self.badHeaders[index]
        let bytes = Self.file(header: header, data: [UInt8](repeating: 0, count: dataCount))
        let error = try #require(try Self.failure(bytes), "\(header) opened")
        #expect(String(describing: error.reason).hasPrefix(kind), "\(header): \(error)")
        if let tensor { #expect(error.tensor == tensor, "\(header): \(error)") }
    }

    @Test func errorMessageNamesFileTensorAndProblem() throws {
        let bytes = Self.file(header: #"{"blk.0.w":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}}"#, data: [0, 0, 0, 0])
        let error = try #require(try Self.failure(bytes))
        #expect(error.description.contains(".safetensors: tensor 'blk.0.w': tensor data [0, 12) lies outside"))
    }
}
