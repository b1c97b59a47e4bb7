/// The kinds of personal information the redactor finds, each replaced by a typed placeholder
/// so that a model still learns that an e-mail address or a phone number stood there.
public enum PIIKind: String, Sendable, Codable, CaseIterable, Hashable {
    case email, phone, hkid, card, ip

    /// The text that replaces a match.
    public var placeholder: String {
        switch self {
        case .email: return "<EMAIL>"
        case .phone: return "<PHONE>"
        case .hkid: return "<HKID>"
        case .card: return "<CARD>"
        case .ip: return "<IP>"
        }
    }
}

/// How many matches of each kind one text (or many) held.
public struct PIICounts: Sendable, Equatable {
    public private(set) var values: [PIIKind: Int] = [:]
    public init() {}
    public subscript(kind: PIIKind) -> Int { values[kind] ?? 0 }
    public var total: Int { values.values.reduce(0, +) }
    public mutating func add(_ kind: PIIKind, _ amount: Int = 1) { values[kind, default: 0] += amount }
    public mutating func merge(_ other: PIICounts) {
        for (kind, amount) in other.values { values[kind, default: 0] += amount }
    }
}
