import VernacularCore

/// Options of the `pii` stage.
public struct PIIConfig: Sendable, Codable, Equatable, KnownKeys {
    /// Kinds to redact: all by default, since any of them in training data can be memorised and
    /// repeated by the model.
    public var kinds: [PIIKind]
    /// Record the counts per kind in `meta.pii` (only for documents that had any), so a reviewer
    /// can find redacted documents without diffing.
    public var annotate: Bool

    public init(kinds: [PIIKind] = PIIKind.allCases, annotate: Bool = true) {
        self.kinds = kinds
        self.annotate = annotate
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case kinds, annotate }
    public static var knownKeys: [String] { CodingKeys.allCases.map(\.rawValue) }

    public init(from decoder: any Decoder) throws {
        let d = PIIConfig()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kinds = try c.decodeIfPresent([PIIKind].self, forKey: .kinds) ?? d.kinds
        annotate = try c.decodeIfPresent(Bool.self, forKey: .annotate) ?? d.annotate
        guard !kinds.isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: .kinds, in: c, debugDescription: "must name at least one kind")
        }
    }
}

/// Counter names of the `pii` stage, as they appear in stats.json.
public enum PIICounter {
    /// Matches of one kind: `pii_email`, `pii_phone`, ...
    public static func kind(_ kind: PIIKind) -> String { "pii_\(kind.rawValue)" }
    public static let redactedDocuments = "redacted_documents"
}

/// Replaces personal information with typed placeholders. It never drops a document: the text
/// around a phone number is still good training data.
public struct PIIStage: Stage {
    public let name = "pii"
    public let config: PIIConfig
    public let redactor: PIIRedactor

    public init(config: PIIConfig = PIIConfig()) {
        self.config = config
        self.redactor = PIIRedactor(kinds: Set(config.kinds))
    }

    public func process(_ document: inout Document, counters: inout StageCounters) throws -> Verdict {
        let (text, found) = redactor.redact(document.text)
        guard found.total > 0 else { return .keep }
        document.text = text
        counters.add(PIICounter.redactedDocuments)
        var annotation = JSONObject()
        for kind in PIIKind.allCases where found[kind] > 0 {
            counters.add(PIICounter.kind(kind), found[kind])
            annotation[kind.rawValue] = JSONValue(found[kind])
        }
        if config.annotate { document.meta["pii"] = .object(annotation) }
        return .keep
    }
}
