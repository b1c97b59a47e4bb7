import Foundation

/// `usage` in responses and in the last streamed chunk.
public struct Usage: Codable, Sendable, Equatable {
    public var promptTokens: Int
    public var completionTokens: Int
    public var totalTokens: Int

    public init(promptTokens: Int, completionTokens: Int) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        totalTokens = promptTokens + completionTokens
    }

    enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens", completionTokens = "completion_tokens", totalTokens = "total_tokens"
    }
}

/// Builds the JSON objects OpenAI sends, field for field. Optional fields that OpenAI sends as
/// `null` (`finish_reason`, `logprobs`) are written as null, not left out, since some clients
/// index them directly.
public struct CompletionWire: Sendable {
    public let id: String
    public let model: String
    public let created: Int

    public init(id: String, model: String, created: Int = Int(Date().timeIntervalSince1970)) {
        self.id = id
        self.model = model
        self.created = created
    }

    /// `chatcmpl-...` or `cmpl-...` with 24 random hexadecimal digits.
    public static func newID(prefix: String) -> String {
        prefix + "-" + (0..<3).map { _ in String(format: "%08x", UInt32.random(in: 0...UInt32.max)) }.joined()
    }

    // MARK: chat

    /// A whole `chat.completion`.
    public func chatCompletion(content: String, finishReason: String, usage: Usage) -> [String: Any] {
        [
            "id": id, "object": "chat.completion", "created": created, "model": model,
            "system_fingerprint": NSNull(),
            "choices": [[
                "index": 0,
                "message": ["role": "assistant", "content": content, "refusal": NSNull()] as [String: Any],
                "logprobs": NSNull(), "finish_reason": finishReason,
            ] as [String: Any]],
            "usage": Self.usageObject(usage),
        ]
    }

    /// A `chat.completion.chunk`: `role` only on the first, `finishReason` only on the last.
    public func chatChunk(role: String? = nil, content: String? = nil, finishReason: String? = nil,
                          includeUsageField: Bool = false) -> [String: Any] {
        var delta: [String: Any] = [:]
        if let role { delta["role"] = role }
        if let content { delta["content"] = content }
        var chunk: [String: Any] = [
            "id": id, "object": "chat.completion.chunk", "created": created, "model": model,
            "system_fingerprint": NSNull(),
            "choices": [["index": 0, "delta": delta, "logprobs": NSNull(),
                         "finish_reason": finishReason.map { $0 as Any } ?? NSNull()] as [String: Any]],
        ]
        if includeUsageField { chunk["usage"] = NSNull() }
        return chunk
    }

    /// The chunk `stream_options.include_usage` adds after the last: no choices, the usage.
    public func chatUsageChunk(_ usage: Usage) -> [String: Any] {
        ["id": id, "object": "chat.completion.chunk", "created": created, "model": model,
         "system_fingerprint": NSNull(), "choices": [Any](), "usage": Self.usageObject(usage)]
    }

    // MARK: text

    /// A whole `text_completion`.
    public func textCompletion(text: String, finishReason: String, usage: Usage) -> [String: Any] {
        ["id": id, "object": "text_completion", "created": created, "model": model,
         "system_fingerprint": NSNull(),
         "choices": [["text": text, "index": 0, "logprobs": NSNull(), "finish_reason": finishReason] as [String: Any]],
         "usage": Self.usageObject(usage)]
    }

    /// A streamed `text_completion` piece.
    public func textChunk(text: String, finishReason: String? = nil, includeUsageField: Bool = false) -> [String: Any] {
        var chunk: [String: Any] = [
            "id": id, "object": "text_completion", "created": created, "model": model,
            "system_fingerprint": NSNull(),
            "choices": [["text": text, "index": 0, "logprobs": NSNull(),
                         "finish_reason": finishReason.map { $0 as Any } ?? NSNull()] as [String: Any]],
        ]
        if includeUsageField { chunk["usage"] = NSNull() }
        return chunk
    }

    public func textUsageChunk(_ usage: Usage) -> [String: Any] {
        ["id": id, "object": "text_completion", "created": created, "model": model,
         "system_fingerprint": NSNull(), "choices": [Any](), "usage": Self.usageObject(usage)]
    }

    static func usageObject(_ usage: Usage) -> [String: Any] {
        ["prompt_tokens": usage.promptTokens, "completion_tokens": usage.completionTokens,
         "total_tokens": usage.totalTokens]
    }

    /// Compact JSON with keys in a fixed order; non-ASCII text stays UTF-8, not \u escapes.
    public static func encode(_ object: [String: Any]) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    }
}
