/// Why a generated text was not kept: the reasons `DIR/rejected/` records and stats.json counts.
public enum RejectionReason: String, Sendable, Codable, CaseIterable {
    /// The pack's langID gave another label, or too small a Cantonese share.
    case notCantonese = "not_cantonese"
    case tooShort = "too_short"
    /// The model declined instead of answering.
    case refused
    /// Cut at the token limit (`finish_reason: length`): the end is missing.
    case truncated
    /// The same lines, paragraphs or n-grams again and again (the pack's repetition filters).
    case repeatedText = "repeated_text"
    /// Another of the pack's quality filters.
    case lowQuality = "low_quality"
    /// An instruct answer without the instruction/answer labels the template asks for.
    case unparseable
    case empty
}

/// A rejection with what the check saw (`zh 0.93`, `top_ngram 0.31 > 0.2`).
public struct Rejection: Sendable, Equatable, Codable {
    public var reason: RejectionReason
    public var detail: String

    public init(_ reason: RejectionReason, _ detail: String) {
        self.reason = reason
        self.detail = detail
    }
}
