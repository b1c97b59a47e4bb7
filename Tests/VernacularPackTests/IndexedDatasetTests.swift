import Foundation
import Testing
@testable import VernacularPack

@Suite struct IndexedDatasetTests {
    static func temporaryFolder() throws -> String {
        let path = NSTemporaryDirectory() + "vern-pack-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func headerFollowsTheMegatronLayout() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let writer = try IndexedDatasetWriter(prefix: folder + "/x", dtype: .uint16)
        try writer.append(document: [5, 300, 0])
        try writer.append(document: [65535, 0])
        try writer.finish()
        let idx = [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder + "/x.idx")))
        #expect(Array(idx[0..<9]) == Array("MMIDIDX\0\0".utf8))
        #expect(Array(idx[9..<17]) == [1, 0, 0, 0, 0, 0, 0, 0])
        #expect(idx[17] == 8)
        #expect(Array(idx[18..<26]) == [2, 0, 0, 0, 0, 0, 0, 0])
        #expect(Array(idx[26..<34]) == [3, 0, 0, 0, 0, 0, 0, 0])
        #expect(Array(idx[34..<42]) == [3, 0, 0, 0, 2, 0, 0, 0])  // lengths 3, 2
        #expect(Array(idx[42..<58]) == [0, 0, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0])  // byte offsets 0, 6
        #expect(idx.count == 34 + 2 * 4 + 2 * 8 + 3 * 8)
        let bin = [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder + "/x.bin")))
        #expect(bin == [5, 0, 44, 1, 0, 0, 255, 255, 0, 0])
    }

    @Test(arguments: [MegatronDType.uint16, .int32])
    func readerGivesBackWhatWasWritten(dtype: MegatronDType) throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let documents: [[Int32]] = [[1, 2, 3, 0], [], [40000, 0], [7, 0]]
        let writer = try IndexedDatasetWriter(prefix: folder + "/d", dtype: dtype)
        for document in documents { try writer.append(document: document) }
        try writer.finish()
        let reader = try IndexedDatasetReader(prefix: folder + "/d")
        #expect(reader.sequenceCount == 4)
        #expect(reader.documentCount == 4)
        #expect(reader.documentBoundaries == [0, 1, 2, 3, 4])
        #expect((0..<4).map { reader.tokens(document: $0) } == documents)
    }

    @Test func uint16RejectsIdsThatDoNotFit() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let writer = try IndexedDatasetWriter(prefix: folder + "/d", dtype: .uint16)
        #expect(throws: PackError.tokenOutOfRange(id: 70000, dtype: "uint16")) { try writer.append(document: [70000]) }
    }

    @Test func dtypeFollowsTheVocabularySize() {
        #expect(MegatronDType.smallest(forVocabularySize: 49152) == .uint16)
        #expect(MegatronDType.smallest(forVocabularySize: 65536) == .uint16)
        #expect(MegatronDType.smallest(forVocabularySize: 262_144) == .int32)
    }

    @Test func readerRejectsDamagedIndexes() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let writer = try IndexedDatasetWriter(prefix: folder + "/d", dtype: .int32)
        try writer.append(document: [1, 2, 3])
        try writer.finish()
        let path = folder + "/d.idx"
        let good = try Data(contentsOf: URL(fileURLWithPath: path))

        try good.prefix(40).write(to: URL(fileURLWithPath: path))
        #expect(throws: PackError.self) { try IndexedDatasetReader(prefix: folder + "/d") }

        var badMagic = good
        badMagic[0] = UInt8(ascii: "X")
        try badMagic.write(to: URL(fileURLWithPath: path))
        #expect(throws: PackError.self) { try IndexedDatasetReader(prefix: folder + "/d") }

        // A .bin shorter than the index says.
        try good.write(to: URL(fileURLWithPath: path))
        try Data([1, 0, 0, 0]).write(to: URL(fileURLWithPath: folder + "/d.bin"))
        #expect(throws: PackError.self) { try IndexedDatasetReader(prefix: folder + "/d") }
    }
}
