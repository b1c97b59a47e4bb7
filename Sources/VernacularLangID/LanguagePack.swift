import Foundation
import VernacularCore
import Yams

/// Decision thresholds of the classifier; the language pack sets them, with its reasons.
public struct LangIDThresholds: Sendable, Codable, Equatable {
    /// Sentences with fewer text units (Han characters + Latin words) are `neutral`.
    public var minUnits: Int = 1
    /// A best probability below this gives `other` (undecided) instead of a guess.
    public var minScore: Float = 0.5
    /// Per-label overrides of `minScore` (a stricter bar for the labels a pipeline keeps).
    public var labelMinScore: [LangIDLabel: Float] = [:]
    /// A mostly-Cantonese document with at least this share of English/SWC sentences is `mixed`.
    public var documentMixedShare: Float = 0.3
    /// Longer runs without sentence punctuation are cut into pieces of this many scalars.
    public var maxSentenceLength: Int = 1_000

    public init() {}

    /// The probability a prediction of `label` needs; below it the answer is `other`.
    @inline(__always)
    public func minScore(for label: LangIDLabel) -> Float { labelMinScore[label] ?? minScore }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(minUnits, forKey: .minUnits)
        try c.encode(minScore, forKey: .minScore)
        try c.encode(Dictionary(uniqueKeysWithValues: labelMinScore.map { ($0.key.rawValue, $0.value) }), forKey: .labelMinScore)
        try c.encode(documentMixedShare, forKey: .documentMixedShare)
        try c.encode(maxSentenceLength, forKey: .maxSentenceLength)
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case minUnits = "min_units", minScore = "min_score", labelMinScore = "label_min_score"
        case documentMixedShare = "document_mixed_share", maxSentenceLength = "max_sentence_length"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = LangIDThresholds()
        minUnits = try c.decodeIfPresent(Int.self, forKey: .minUnits) ?? d.minUnits
        minScore = try c.decodeIfPresent(Float.self, forKey: .minScore) ?? d.minScore
        for (name, score) in try c.decodeIfPresent([String: Float].self, forKey: .labelMinScore) ?? [:] {
            guard let label = LangIDLabel(rawValue: name), label != .other else {
                throw DecodingError.dataCorruptedError(forKey: .labelMinScore, in: c,
                                                       debugDescription: "unknown label '\(name)' (known: yue, zh, en, mixed)")
            }
            labelMinScore[label] = score
        }
        documentMixedShare = try c.decodeIfPresent(Float.self, forKey: .documentMixedShare) ?? d.documentMixedShare
        maxSentenceLength = try c.decodeIfPresent(Int.self, forKey: .maxSentenceLength) ?? d.maxSentenceLength
    }
}

/// A language pack (`langs/yue.yaml`): lexicons, thresholds, training options and the model file
/// for one target language, so that a second language is a new file plus labelled data.
public struct LanguagePack: Sendable, Equatable {
    public var code: String
    public var name: String
    /// The model file, resolved against the pack's folder.
    public var modelURL: URL
    public var markers: [LexiconMarker]
    public var thresholds: LangIDThresholds
    public var training: LangIDTrainingOptions

    private struct File: Decodable {
        var code: String
        var name: String?
        var model: String
        var markers: Markers
        var thresholds: LangIDThresholds?
        var training: LangIDTrainingOptions?
        struct Markers: Decodable {
            var cantonese: [String]
            var swc: [String]
            var shared: [String]?
        }
    }

    /// `dedup` belongs to VernacularDedup (`DedupPackSettings`), `quality` and `lm` to VernacularQuality
    /// (`QualityThresholds`), `synth` to VernacularSynth (`SynthPackSettings`), which check their own keys.
    private static let topKeys = ["code", "name", "model", "markers", "thresholds", "training", "dedup", "quality", "lm", "synth"]

    /// Reads and checks a pack; unknown keys anywhere are errors naming key and line.
    public static func load(from url: URL) throws -> LanguagePack {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw LangIDError.unreadableFile(path: url.path, reason: error.localizedDescription)
        }
        guard let node = try Yams.compose(yaml: text) else { throw LangIDError.badPack(path: url.path, reason: "empty file") }
        try StrictYAML.checkKeys(of: node, allowed: topKeys, file: url.path, section: "language pack")
        let nested: [(String, [String])] = [
            ("markers", ["cantonese", "swc", "shared"]),
            ("thresholds", LangIDThresholds.CodingKeys.allCases.map(\.rawValue)),
            ("training", LangIDTrainingOptions.CodingKeys.allCases.map(\.rawValue)),
        ]
        for (key, allowed) in nested {
            if let child = node[key] { try StrictYAML.checkKeys(of: child, allowed: allowed, file: url.path, section: key) }
        }
        let file: File
        do { file = try YAMLDecoder().decode(File.self, from: node) } catch {
            throw LangIDError.badPack(path: url.path, reason: "\(error)")
        }
        var markers: [LexiconMarker] = []
        var seen = Set<String>()
        for (kind, list) in [(LexiconMarker.Kind.cantonese, file.markers.cantonese), (.swc, file.markers.swc),
                             (.shared, file.markers.shared ?? [])] {
            for word in list {
                // One folded form per marker: 佢們 and 佢们 are the same feature.
                let folded = ScriptFold.fold(word)
                guard seen.insert(folded).inserted else {
                    throw LangIDError.badPack(path: url.path, reason: "marker '\(word)' is listed twice (after script folding)")
                }
                markers.append(try LexiconMarker(word, kind: kind))
            }
        }
        return LanguagePack(
            code: file.code, name: file.name ?? file.code,
            modelURL: URL(fileURLWithPath: file.model, relativeTo: url.deletingLastPathComponent()).standardizedFileURL,
            markers: markers, thresholds: file.thresholds ?? LangIDThresholds(), training: file.training ?? LangIDTrainingOptions())
    }

    /// Loads the pack's model and returns a classifier with the pack's thresholds.
    public func makeClassifier() throws -> LangIDClassifier {
        LangIDClassifier(model: try LangIDModel.load(from: modelURL), thresholds: thresholds)
    }

    /// Trains a model on labelled files (`LABEL<TAB>sentence` lines) with this pack's lexicon and
    /// training options.
    public func train(files: [URL]) throws -> (LangIDModel, LangIDTrainingReport) {
        var examples: [LabelledSentence] = []
        for file in files { examples += try LangIDTrainer.readLabelledFile(file) }
        return try LangIDTrainer.train(examples, markers: markers, options: training)
    }
}
