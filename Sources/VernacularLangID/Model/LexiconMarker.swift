/// A word whose presence is evidence for one variety (嘅 for Cantonese, 的 for SWC).
public struct LexiconMarker: Sendable, Equatable, Hashable {
    public enum Kind: UInt8, Sendable, Codable { case cantonese = 0, swc = 1 }

    public let text: String
    public let kind: Kind

    /// Markers are matched as character n-grams, so they are at most this long.
    public static let maxLength = 4

    public init(_ text: String, kind: Kind) throws(LangIDError) {
        let count = text.unicodeScalars.count
        guard count >= 1, count <= Self.maxLength else {
            throw .invalidMarker(text, reason: "markers are 1 to \(Self.maxLength) characters long")
        }
        self.text = text
        self.kind = kind
    }

    /// The marker as the extractor sees text: script-folded scalar values.
    var foldedScalars: [UInt32] { text.unicodeScalars.map { ScriptFold.fold($0.value) } }
}
