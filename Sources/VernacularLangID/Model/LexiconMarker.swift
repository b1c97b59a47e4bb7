/// A word whose presence is evidence for one variety (嘅 for Cantonese, 的 for SWC), or a word of
/// the written register both varieties use (在, 之後) that still gets its own feature.
public struct LexiconMarker: Sendable, Equatable, Hashable {
    /// `shared` markers get a weight of their own but count as evidence for neither variety (in
    /// the marker counts and the clause features), so 在 in 在座 does not make a clause SWC.
    public enum Kind: UInt8, Sendable, Codable { case cantonese = 0, swc = 1, shared = 2 }

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
