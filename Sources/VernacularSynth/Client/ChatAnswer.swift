/// What an endpoint answered to one request.
public struct ChatAnswer: Sendable, Codable, Equatable {
    public var content: String
    /// `stop`, `length` (cut at max_tokens), `content_filter`, or what the server said.
    public var finishReason: String
    public var promptTokens: Int
    public var completionTokens: Int
    /// The model name the server reported (may differ from the one asked for).
    public var model: String?

    public init(content: String, finishReason: String, promptTokens: Int, completionTokens: Int, model: String? = nil) {
        self.content = content
        self.finishReason = finishReason
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.model = model
    }

    enum CodingKeys: String, CodingKey {
        case content, model
        case finishReason = "finish_reason", promptTokens = "prompt_tokens", completionTokens = "completion_tokens"
    }
}
