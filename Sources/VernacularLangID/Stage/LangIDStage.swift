import Foundation
import VernacularCore

/// Options of the `langid` stage.
public struct LangIDStageConfig: Sendable, Codable, Equatable, KnownKeys {
    public enum Mode: String, Sendable, Codable { case document, sentences }

    /// Labels to keep: Cantonese by default; add `mixed` to keep code-switched text too, and
    /// `neutral` to keep documents without any language signal (lists, tables, bare titles).
    public var keep: [LangIDLabel]
    /// For a document labelled `yue` or `mixed`, the least share of the Han characters of its
    /// signal-carrying sentences that are in Cantonese sentences (headings, infobox and table
    /// lines count for nothing): 0.5 keeps documents that are mostly Cantonese, as FineWeb-2
    /// keeps by `language_score`.
    public var minShare: Double
    /// `document` keeps or drops whole documents; `sentences` keeps only the sentences whose
    /// label is kept (a Cantonese forum post quoting a news article keeps its Cantonese part).
    public var mode: Mode
    /// The language pack (lexicons, thresholds, model file), relative to the working directory.
    public var pack: String

    public init(keep: [LangIDLabel] = [.yue], minShare: Double = 0.5, mode: Mode = .document, pack: String = "langs/yue.yaml") {
        self.keep = keep
        self.minShare = minShare
        self.mode = mode
        self.pack = pack
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case keep, minShare = "min_share", mode, pack
    }
    public static var knownKeys: [String] { CodingKeys.allCases.map(\.rawValue) }

    public init(from decoder: any Decoder) throws {
        let d = LangIDStageConfig()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        keep = try c.decodeIfPresent([LangIDLabel].self, forKey: .keep) ?? d.keep
        minShare = try c.decodeIfPresent(Double.self, forKey: .minShare) ?? d.minShare
        mode = try c.decodeIfPresent(Mode.self, forKey: .mode) ?? d.mode
        pack = try c.decodeIfPresent(String.self, forKey: .pack) ?? d.pack
        guard (0...1).contains(minShare) else {
            throw DecodingError.dataCorruptedError(forKey: .minShare, in: c, debugDescription: "must be between 0 and 1")
        }
        guard !keep.isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: .keep, in: c, debugDescription: "must name at least one label")
        }
    }
}

/// Counter names of the `langid` stage, as they appear in stats.json.
public enum LangIDCounter {
    /// Documents by their label: `lang_yue`, `lang_zh`, ...
    public static func label(_ label: LangIDLabel) -> String { "lang_\(label.rawValue)" }
    public static let sentencesDropped = "sentences_dropped"
    public static let sentencesKept = "sentences_kept"
}

/// Labels each document (`meta.lang`, `meta.lang_score`, `meta.yue_share`) and keeps those the
/// configuration asks for.
public struct LangIDStage: Stage {
    public let name = "langid"
    public let config: LangIDStageConfig
    public let classifier: LangIDClassifier

    public init(config: LangIDStageConfig, classifier: LangIDClassifier) {
        self.config = config
        self.classifier = classifier
    }

    public func process(_ document: inout Document, counters: inout StageCounters) throws -> Verdict {
        let result = classifier.classify(document: document.text)
        result.annotate(&document, sentences: false)
        counters.add(LangIDCounter.label(result.label))

        switch config.mode {
        case .document:
            guard config.keep.contains(result.label) else {
                return .drop(DropReason("lang_not_kept", detail: "\(result.label.rawValue) \(Self.rounded(result.score))"))
            }
            if result.label == .yue || result.label == .mixed, Double(result.yueShare) < config.minShare {
                return .drop(DropReason("yue_share_below_min", detail: "\(Self.rounded(result.yueShare)) < \(config.minShare)"))
            }
            return .keep
        case .sentences:
            let keptFlags = Self.keptSentences(result.sentences.map(\.prediction.label), keep: Set(config.keep))
            let original = document.text
            var kept = ""
            var keptCount = 0
            var previous: SentenceSpan? = nil
            for (sentence, isKept) in zip(result.sentences, keptFlags) where isKept {
                if let previous {
                    // Lines stay lines: a newline anywhere between two kept sentences is kept.
                    let gap = original[previous.text.endIndex..<sentence.span.text.startIndex]
                    kept += gap.contains("\n") ? "\n" : Self.joiner(after: kept)
                }
                kept += sentence.span.text
                keptCount += 1
                previous = sentence.span
            }
            counters.add(LangIDCounter.sentencesKept, keptCount)
            counters.add(LangIDCounter.sentencesDropped, result.sentences.count - keptCount)
            guard keptCount > 0 else { return .drop(DropReason("no_sentence_kept", detail: result.label.rawValue)) }
            document.text = kept
            return .keep
        }
    }

    /// Which sentences `sentences` mode keeps: those with a kept label, and `neutral` ones (a
    /// heading, a table row) next to a kept signal-carrying sentence, before or after it, so a
    /// Cantonese section keeps its title. With `neutral` itself kept, every neutral sentence.
    static func keptSentences(_ labels: [LangIDLabel], keep: Set<LangIDLabel>) -> [Bool] {
        var flags = labels.map { keep.contains($0) }
        // The nearest signal-carrying sentence on each side decides for a run of neutral ones.
        var previousKept: Bool? = nil
        var index = 0
        while index < labels.count {
            guard labels[index] == .neutral, !keep.contains(.neutral) else {
                if labels[index].carriesSignal { previousKept = flags[index] }
                index += 1
                continue
            }
            var end = index
            while end < labels.count, labels[end] == .neutral { end += 1 }
            var nextKept: Bool? = nil
            var look = end
            while look < labels.count, !labels[look].carriesSignal { look += 1 }
            if look < labels.count { nextKept = flags[look] }
            let keepRun = previousKept == true || nextKept == true
            for k in index..<end { flags[k] = keepRun }
            index = end
        }
        return flags
    }

    /// Han sentences join with nothing between them; Latin ones with a space.
    static func joiner(after text: String) -> String {
        guard let last = text.unicodeScalars.last else { return "" }
        return CharacterClass.isLatinLetter(last.value) || last == "." || last == "," ? " " : ""
    }

    static func rounded(_ value: Float) -> Double { (Double(value) * 10_000).rounded() / 10_000 }
}

/// Registers this library's pipeline stages.
public enum LangIDStages {
    public static func register(in registry: inout StageRegistry) {
        registry.register("langid") { options in
            let config = try options.decode(LangIDStageConfig.self)
            let pack = try LanguagePack.load(from: URL(fileURLWithPath: PackLocator.resolvedPath(config.pack)))
            return LangIDStage(config: config, classifier: try pack.makeClassifier())
        }
    }
}
