import VernacularCore

/// One unit of work: the requests it needs and how their answers become output records.
public struct SynthItem: Sendable {
    /// The output's id (translate keeps the source document's id).
    public var id: String
    public var source: String
    public var requests: [ChatRequest]
    public var shape: Shape

    public enum Shape: Sendable {
        /// A document translated piece by piece: `pieces[i]` is the text of request `i`, and
        /// `layout` rebuilds the document from the answers and the untouched separators.
        case translation(original: Document, layout: [TranslationLayout.Part])
        case persona(persona: String, topic: String, kind: String)
        case instruct(seed: Document)
    }

    /// One provenance hash for the item: the request's own, or for several requests the
    /// SHA-256 of their hashes in order.
    public var requestHash: String {
        requests.count == 1 ? requests[0].hash : SHA256.hex(requests.map(\.hash).joined(separator: "\n"))
    }
}
