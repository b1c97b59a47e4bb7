import Foundation
import VernacularCore
import VernacularLangID
import VernacularQuality

/// Holds generated text to the checks the rest of the corpus passes: the pack's langID and
/// quality filters, plus what only generated text does wrong (refusing, stopping at the token
/// limit).
public struct OutputChecker: Sendable {
    public let classifier: LangIDClassifier
    public let filters: QualityFilters
    public let settings: SynthPackSettings
    /// Identifies the langID model (the SHA-256 of its file).
    public let languageModelHash: String

    public init(classifier: LangIDClassifier, languageModelHash: String, thresholds: QualityThresholds, settings: SynthPackSettings) {
        self.classifier = classifier
        self.languageModelHash = languageModelHash
        self.filters = QualityFilters(thresholds: thresholds, skip: settings.skipQuality)
        self.settings = settings
    }

    /// A fingerprint of everything that decides keep or reject, so finished shards are redone
    /// when a check changes.
    public var fingerprint: String {
        let labels = settings.keepLabels.map(\.rawValue).sorted().joined(separator: ",")
        let skipped = settings.skipQuality.map(\.rawValue).sorted().joined(separator: ",")
        // Sorted-key JSON: a dictionary's description changes order from one process to the next.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let quality = (try? encoder.encode(filters.thresholds)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let langID = (try? encoder.encode(classifier.thresholds)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return "labels=\(labels);share=\(settings.minYueShare);skip=\(skipped);refusals=\(settings.refusalMarkers.joined(separator: "|"));"
            + "quality=\(quality);langid=\(languageModelHash);thresholds=\(langID)"
    }

    /// nil to keep `text`; `truncated` says whether any answer behind it hit the token limit.
    public func judge(_ text: String, truncated: Bool) -> Rejection? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return Rejection(.empty, "no text") }
        if let marker = refusal(in: trimmed) { return Rejection(.refused, "starts with '\(marker)'") }
        if truncated { return Rejection(.truncated, "finish_reason length") }
        if let drop = filters.check(trimmed) {
            // The quality filters' codes are `quality_<filter>`, as the quality stage records them.
            let name = drop.code.hasPrefix("quality_") ? String(drop.code.dropFirst(8)) : drop.code
            if name == QualityFilter.tooShort.rawValue { return Rejection(.tooShort, drop.detail ?? name) }
            if Self.repetitionFilters.contains(name) { return Rejection(.repeatedText, drop.description) }
        }
        let language = classifier.classify(document: trimmed)
        if !settings.keepLabels.contains(language.label) || language.yueShare < settings.minYueShare {
            let detail = "\(language.label.rawValue) \(Self.format(language.score)), Cantonese share \(Self.format(language.yueShare))"
            return Rejection(.notCantonese, detail)
        }
        if let drop = filters.check(trimmed) { return Rejection(.lowQuality, drop.description) }
        return nil
    }

    static let repetitionFilters: Set<String> = [
        QualityFilter.duplicateLines, .duplicateLineCharacters, .duplicateParagraphs, .duplicateParagraphCharacters,
        .topNgram, .duplicateNgram,
    ].reduce(into: []) { $0.insert($1.rawValue) }

    /// A refusal opens the answer: the marker within its first 60 characters.
    func refusal(in text: String) -> String? {
        let opening = String(text.prefix(60)).lowercased()
        return settings.refusalMarkers.first { opening.contains($0.lowercased()) }
    }

    static func format(_ value: Float) -> String { String(format: "%.2f", Double(value)) }
}
