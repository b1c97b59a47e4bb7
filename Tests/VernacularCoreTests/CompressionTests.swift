import Foundation
import Testing
@testable import VernacularCore

@Suite struct CompressionTests {
    let documents = (0..<3000).map(SampleText.document)

    @Test(arguments: ["docs.jsonl", "docs.jsonl.gz", "docs.jsonl.zst"])
    func roundTripsEveryCompression(_ name: String) throws {
        let folder = try TestFolder()
        try folder.writeDocuments(name, documents)
        #expect(try folder.readDocuments(name) == documents)
    }

    @Test(arguments: ["docs.jsonl.gz", "docs.jsonl.zst"])
    func truncatedStreamIsAnErrorNamingTheFile(_ name: String) throws {
        let folder = try TestFolder()
        try folder.writeDocuments(name, documents)
        let bytes = try readWholeFile(folder.file(name))
        try folder.write("cut-" + name, bytes: Array(bytes.prefix(bytes.count / 2)))
        do {
            _ = try folder.readDocuments("cut-" + name)
            Issue.record("a truncated file was read without error")
        } catch {
            #expect("\(error)".contains("cut-" + name))
            #expect("\(error)".contains("truncated") || "\(error)".contains("not valid JSON"), "\(error)")
        }
    }

    @Test func readsConcatenatedGzipMembers() throws {
        let folder = try TestFolder()
        try folder.writeDocuments("a.jsonl.gz", Array(documents[0..<10]))
        try folder.writeDocuments("b.jsonl.gz", Array(documents[10..<20]))
        let joined = try readWholeFile(folder.file("a.jsonl.gz")) + readWholeFile(folder.file("b.jsonl.gz"))
        try folder.write("joined.jsonl.gz", bytes: joined)
        #expect(try folder.readDocuments("joined.jsonl.gz") == Array(documents[0..<20]))
    }

    @Test func identicalInputGivesIdenticalCompressedBytes() throws {
        let folder = try TestFolder()
        for name in ["x.jsonl.zst", "y.jsonl.zst", "x.jsonl.gz", "y.jsonl.gz"] {
            try folder.writeDocuments(name, documents)
        }
        #expect(try readWholeFile(folder.file("x.jsonl.zst")) == readWholeFile(folder.file("y.jsonl.zst")))
        #expect(try readWholeFile(folder.file("x.jsonl.gz")) == readWholeFile(folder.file("y.jsonl.gz")))
    }
}

@Suite struct LineReaderTests {
    func lines(of text: [UInt8], chunkSize: Int = 16) throws -> [String] {
        let folder = try TestFolder()
        try folder.write("t.txt", bytes: text)
        let reader = LineReader(source: try FileByteSource(path: folder.file("t.txt")), path: "t.txt", chunkSize: chunkSize)
        var result: [String] = []
        while let line = try reader.nextLine({ String(decoding: $0, as: UTF8.self) }) { result.append(line) }
        return result
    }

    @Test func splitsOnNewlinesAndStripsCarriageReturns() throws {
        #expect(try lines(of: Array("一\r\n二\n\n三".utf8)) == ["一", "二", "", "三"])
    }

    @Test func linesLongerThanTheBufferGrowIt() throws {
        let long = String(repeating: "粵", count: 400_000)  // 1.2 MB
        #expect(try lines(of: Array("a\n\(long)\nb\n".utf8), chunkSize: 1024) == ["a", long, "b"])
    }

    @Test func byteRangesMatchWholeFileLinesAndNumbers() throws {
        let folder = try TestFolder()
        let text = (1...500).map { "{\"text\":\"第\($0)行\"}" }.joined(separator: "\n") + "\n"
        try folder.write("big.jsonl", text)
        let info = try ShardPlanner.fileInfo(folder.file("big.jsonl"))
        let ranges = try ShardPlanner.lineAlignedRanges(path: folder.file("big.jsonl"), size: info.size, target: 1000)
        #expect(ranges.count > 5)
        #expect(ranges.first?.offset == 0)
        #expect(ranges.reduce(0) { $0 + $1.length } == info.size)
        var seen: [String] = []
        for range in ranges {
            let reader = LineReader(source: try FileByteSource(path: folder.file("big.jsonl"), offset: range.offset,
                                                               length: range.length),
                                    path: "big.jsonl", firstLineNumber: range.firstLine)
            while let line = try reader.nextLine({ String(decoding: $0, as: UTF8.self) }) {
                #expect(line == "{\"text\":\"第\(reader.lineNumber)行\"}")
                seen.append(line)
            }
        }
        #expect(seen.count == 500)
    }
}
