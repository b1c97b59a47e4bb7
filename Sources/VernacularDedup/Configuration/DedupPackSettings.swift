import Foundation
import VernacularCore
import Yams

/// The `dedup:` section of a language pack (`langs/yue.yaml`): the language-specific numbers of
/// deduplication. Every field defaults to Cantonese's value; the pack's comments say why.
public struct DedupPackSettings: Sendable, Equatable, Codable, KnownKeys {
    /// n for character shingles (Han and other scripts written without spaces).
    public var characterNgram = 5
    /// n for word shingles (space-separated scripts, such as English passages).
    public var wordNgram = 5
    public var threshold = 0.7
    public var hashes = 96
    public var bands = 24
    public var rows = 4
    /// K of repeated-line removal.
    public var lineMinDocuments = 10

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case characterNgram = "character_ngram", wordNgram = "word_ngram", threshold, hashes, bands, rows
        case lineMinDocuments = "line_min_documents"
    }

    public static var knownKeys: [String] { CodingKeys.allCases.map(\.rawValue) }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = DedupPackSettings()
        characterNgram = try c.decodeIfPresent(Int.self, forKey: .characterNgram) ?? d.characterNgram
        wordNgram = try c.decodeIfPresent(Int.self, forKey: .wordNgram) ?? d.wordNgram
        threshold = try c.decodeIfPresent(Double.self, forKey: .threshold) ?? d.threshold
        hashes = try c.decodeIfPresent(Int.self, forKey: .hashes) ?? d.hashes
        bands = try c.decodeIfPresent(Int.self, forKey: .bands) ?? d.bands
        rows = try c.decodeIfPresent(Int.self, forKey: .rows) ?? d.rows
        lineMinDocuments = try c.decodeIfPresent(Int.self, forKey: .lineMinDocuments) ?? d.lineMinDocuments
    }

    /// Reads the `dedup:` section of a pack file; a pack without one gives the defaults, and an
    /// unknown key in it is an error naming the key and line.
    public static func load(packPath path: String) throws -> DedupPackSettings {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw IOError(path: path, message: "cannot read language pack: \(error.localizedDescription)")
        }
        guard let root = try Yams.compose(yaml: text), let section = root["dedup"] else { return DedupPackSettings() }
        return try decodeStrictly(from: section, file: path, section: "dedup")
    }

    /// Near-duplicate options with this pack's numbers.
    public var nearOptions: NearDedupOptions {
        NearDedupOptions(shingles: ShingleOptions(characterNgram: characterNgram, wordNgram: wordNgram),
                         minHash: MinHashParameters(threshold: threshold, hashes: hashes, bands: bands, rows: rows))
    }
}
