import Foundation
import VernacularCore

/// The index of a multistream dump (`...-multistream-index.txt.bz2`): lines `offset:pageid:title`,
/// where offset is the byte offset of the bzip2 stream holding the page. Streams hold about 100
/// pages each, so each stream can be decoded on its own, in parallel.
public struct MultistreamIndex: Sendable {
    /// Start offsets of the page streams, ascending and unique.
    public let streamOffsets: [Int]
    /// Index lines that did not parse (counted, not fatal: one bad line loses no stream).
    public let badLines: Int

    public init(path: String) throws {
        let reader = LineReader(source: try InputFiles.open(path), path: path)
        var offsets = Set<Int>()
        var bad = 0
        while let _ = try reader.nextLine({ line -> Bool in
            guard !line.isEmpty else { return true }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")),
                  let offset = Int(String(decoding: line[..<colon], as: UTF8.self)), offset >= 0 else {
                bad += 1
                return true
            }
            offsets.insert(offset)
            return true
        }) {}
        guard !offsets.isEmpty else { throw IOError(path: path, message: "the multistream index lists no streams") }
        streamOffsets = offsets.sorted()
        badLines = bad
    }

    /// The index beside a multistream dump, by Wikimedia's naming, if it exists.
    public static func companion(of dump: String) -> String? {
        guard dump.hasSuffix(".xml.bz2") else { return nil }
        let stem = String(dump.dropLast(".xml.bz2".count))
        for candidate in [stem + "-index.txt.bz2", stem + "-index.txt"] where FileManager.default.fileExists(atPath: candidate) {
            return candidate
        }
        return nil
    }
}
