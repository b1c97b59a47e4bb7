import Foundation
import VernacularCore
import Yams

/// The `quality:` section of a language pack: the thresholds of the heuristic filters. Every
/// field defaults to Cantonese's value; `langs/yue.yaml` says why each number is what it is.
public struct QualityThresholds: Sendable, Equatable, Codable, KnownKeys {
    /// Least and most non-whitespace characters.
    public var minCharacters = 10
    public var maxCharacters = 200_000
    /// Most lines (and their share of characters) that repeat an earlier line of the document.
    public var maxDuplicateLineFraction = 0.4
    public var maxDuplicateLineCharacterFraction = 0.2
    /// The same for paragraphs (text between blank lines).
    public var maxDuplicateParagraphFraction = 0.3
    public var maxDuplicateParagraphCharacterFraction = 0.2
    /// n -> most characters covered by the single most frequent unit n-gram.
    public var maxTopNgramCharacterFraction: [Int: Double] = [2: 0.20, 3: 0.18, 4: 0.16]
    /// n -> most characters in unit n-grams that already occurred earlier in the document.
    public var maxDuplicateNgramCharacterFraction: [Int: Double] =
        [5: 0.15, 6: 0.14, 7: 0.13, 8: 0.12, 9: 0.11, 10: 0.10]
    /// Least share of non-empty lines that end like a sentence.
    public var minLineEndFraction = 0.12
    /// Fewest non-empty lines for the line-end filter to apply.
    public var lineEndsMinLines = 3
    /// What ends a sentence: punctuation, plus the sentence-final particles of the language.
    public var lineEndings: [String] = ["。", "！", "？", "…", "」", "』", "）", "～", ".", "!", "?", "\"", ")",
                                       "啦", "喇", "呀", "㗎", "喎", "囉", "嘛", "咩", "吖", "啊", "噃", "啩", "嘞", "咋", "啫"]
    /// Least share of non-whitespace characters that are letters (Han or any alphabet).
    public var minLetterFraction = 0.6
    /// Stopwords and how many occurrences (of any of them, counted together) a document needs.
    public var stopwords: [String] = ["嘅", "係", "喺", "佢", "咗", "唔", "啲"]
    public var minStopwords = 2

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case minCharacters = "min_characters", maxCharacters = "max_characters"
        case maxDuplicateLineFraction = "max_duplicate_line_fraction"
        case maxDuplicateLineCharacterFraction = "max_duplicate_line_character_fraction"
        case maxDuplicateParagraphFraction = "max_duplicate_paragraph_fraction"
        case maxDuplicateParagraphCharacterFraction = "max_duplicate_paragraph_character_fraction"
        case maxTopNgramCharacterFraction = "max_top_ngram_character_fraction"
        case maxDuplicateNgramCharacterFraction = "max_duplicate_ngram_character_fraction"
        case minLineEndFraction = "min_line_end_fraction"
        case lineEndsMinLines = "line_ends_min_lines"
        case lineEndings = "line_endings"
        case minLetterFraction = "min_letter_fraction"
        case stopwords
        case minStopwords = "min_stopwords"
    }

    public static var knownKeys: [String] { CodingKeys.allCases.map(\.rawValue) }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = QualityThresholds()
        func fraction(_ key: CodingKeys, _ fallback: Double) throws -> Double {
            let value = try c.decodeIfPresent(Double.self, forKey: key) ?? fallback
            guard (0...1).contains(value) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "must be between 0 and 1")
            }
            return value
        }
        func fractions(_ key: CodingKeys, _ fallback: [Int: Double]) throws -> [Int: Double] {
            let value = try c.decodeIfPresent([Int: Double].self, forKey: key) ?? fallback
            guard value.allSatisfy({ $0.key >= 1 && $0.key <= 50 && (0...1).contains($0.value) }) else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: c, debugDescription: "keys must be n-gram sizes 1-50 and values between 0 and 1")
            }
            return value
        }
        minCharacters = try c.decodeIfPresent(Int.self, forKey: .minCharacters) ?? d.minCharacters
        maxCharacters = try c.decodeIfPresent(Int.self, forKey: .maxCharacters) ?? d.maxCharacters
        guard minCharacters >= 0, maxCharacters >= minCharacters else {
            throw DecodingError.dataCorruptedError(
                forKey: .maxCharacters, in: c, debugDescription: "need 0 <= min_characters <= max_characters")
        }
        maxDuplicateLineFraction = try fraction(.maxDuplicateLineFraction, d.maxDuplicateLineFraction)
        maxDuplicateLineCharacterFraction = try fraction(.maxDuplicateLineCharacterFraction, d.maxDuplicateLineCharacterFraction)
        maxDuplicateParagraphFraction = try fraction(.maxDuplicateParagraphFraction, d.maxDuplicateParagraphFraction)
        maxDuplicateParagraphCharacterFraction = try fraction(
            .maxDuplicateParagraphCharacterFraction, d.maxDuplicateParagraphCharacterFraction)
        maxTopNgramCharacterFraction = try fractions(.maxTopNgramCharacterFraction, d.maxTopNgramCharacterFraction)
        maxDuplicateNgramCharacterFraction = try fractions(
            .maxDuplicateNgramCharacterFraction, d.maxDuplicateNgramCharacterFraction)
        minLineEndFraction = try fraction(.minLineEndFraction, d.minLineEndFraction)
        lineEndsMinLines = try c.decodeIfPresent(Int.self, forKey: .lineEndsMinLines) ?? d.lineEndsMinLines
        lineEndings = try c.decodeIfPresent([String].self, forKey: .lineEndings) ?? d.lineEndings
        minLetterFraction = try fraction(.minLetterFraction, d.minLetterFraction)
        stopwords = try c.decodeIfPresent([String].self, forKey: .stopwords) ?? d.stopwords
        minStopwords = try c.decodeIfPresent(Int.self, forKey: .minStopwords) ?? d.minStopwords
        guard lineEndings.allSatisfy({ !$0.isEmpty }), stopwords.allSatisfy({ !$0.isEmpty }) else {
            throw DecodingError.dataCorruptedError(
                forKey: .stopwords, in: c, debugDescription: "line endings and stopwords must not be empty strings")
        }
    }

    /// Reads the `quality:` section of a pack file; a pack without one gives the defaults, and an
    /// unknown key in it is an error naming the key and line.
    public static func load(packPath path: String) throws -> QualityThresholds {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw IOError(path: path, message: "cannot read language pack: \(error.localizedDescription)")
        }
        guard let root = try Yams.compose(yaml: text), let section = root["quality"] else { return QualityThresholds() }
        return try decodeStrictly(from: section, file: path, section: "quality")
    }
}
