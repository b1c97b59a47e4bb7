import Foundation
import VernacularModels

/// `stop`: one string or a list of them.
public struct StopSequences: Decodable, Sendable, Equatable {
    public var values: [String]
    public init(_ values: [String]) { self.values = values }
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { values = [] } else if let one = try? container.decode(String.self) { values = [one] } else {
            values = try container.decode([String].self)
        }
    }
}

/// `stream_options`.
public struct StreamOptions: Decodable, Sendable {
    public var includeUsage: Bool?
    enum CodingKeys: String, CodingKey { case includeUsage = "include_usage" }
}

/// The sampling and length fields that chat and text completions share.
public struct CompletionOptions: Decodable, Sendable {
    public var model: String?
    public var maxTokens: Int?
    public var maxCompletionTokens: Int?
    public var temperature: Float?
    public var topP: Float?
    public var topK: Int?
    public var minP: Float?
    public var repeatPenalty: Float?
    public var seed: Int?
    public var stop: StopSequences?
    public var n: Int?
    public var stream: Bool?
    public var streamOptions: StreamOptions?
    /// llama.cpp's extension: keep generating past end-of-sequence (benchmarks of fixed length).
    public var ignoreEOS: Bool?

    enum CodingKeys: String, CodingKey {
        case model, temperature, seed, stop, n, stream
        case maxTokens = "max_tokens", maxCompletionTokens = "max_completion_tokens"
        case topP = "top_p", topK = "top_k", minP = "min_p", repeatPenalty = "repeat_penalty"
        case streamOptions = "stream_options", ignoreEOS = "ignore_eos"
    }

    /// Checks ranges, naming the field at fault.
    public func validate() throws {
        if let n, n != 1 { throw OpenAIError.invalidRequest("Only n = 1 is supported, got \(n).", param: "n") }
        if let t = temperature, !(0...2).contains(t) {
            throw OpenAIError.invalidRequest("temperature must be between 0 and 2, got \(t).", param: "temperature")
        }
        if let p = topP, !(0...1).contains(p) { throw OpenAIError.invalidRequest("top_p must be between 0 and 1, got \(p).", param: "top_p") }
        if let p = minP, !(0...1).contains(p) { throw OpenAIError.invalidRequest("min_p must be between 0 and 1, got \(p).", param: "min_p") }
        if let k = topK, k < 0 { throw OpenAIError.invalidRequest("top_k must be 0 or more, got \(k).", param: "top_k") }
        if let r = repeatPenalty, r <= 0 {
            throw OpenAIError.invalidRequest("repeat_penalty must be positive, got \(r).", param: "repeat_penalty")
        }
        for (name, value) in [("max_tokens", maxTokens), ("max_completion_tokens", maxCompletionTokens)] {
            if let value, value < 1 { throw OpenAIError.invalidRequest("\(name) must be at least 1, got \(value).", param: name) }
        }
        if let stop = stop?.values {
            if stop.count > 4 { throw OpenAIError.invalidRequest("At most 4 stop sequences, got \(stop.count).", param: "stop") }
            if stop.contains("") { throw OpenAIError.invalidRequest("Stop sequences must not be empty.", param: "stop") }
        }
    }

    /// The requested limit (max_completion_tokens wins, as in OpenAI's API).
    public var requestedMaxTokens: Int? { maxCompletionTokens ?? maxTokens }

    /// Sampling with OpenAI's defaults where the request is silent (temperature 1, top-p 1), and
    /// llama.cpp's for the fields OpenAI lacks (top-k 40, min-p 0.05).
    public var sampling: SamplingParameters {
        let temperature = temperature ?? 1
        return SamplingParameters(temperature: temperature, topK: topK ?? 40, topP: topP ?? 1, minP: minP ?? 0.05,
                                  repetitionPenalty: repeatPenalty ?? 1,
                                  seed: seed.map { UInt64(bitPattern: Int64($0)) } ?? UInt64.random(in: 0...UInt64.max))
    }
}

/// One message of `messages`; `content` is a string or a list of text parts.
public struct WireMessage: Decodable, Sendable {
    public var role: String
    public var content: String

    enum CodingKeys: String, CodingKey { case role, content }
    struct Part: Decodable {
        let type: String
        let text: String?
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        role = try c.decode(String.self, forKey: .role)
        if let text = try? c.decode(String.self, forKey: .content) {
            content = text
        } else if let parts = try? c.decode([Part].self, forKey: .content) {
            guard parts.allSatisfy({ $0.type == "text" }) else {
                throw DecodingError.dataCorruptedError(forKey: .content, in: c, debugDescription: "only text content parts are supported")
            }
            content = parts.compactMap(\.text).joined()
        } else if (try? c.decodeNil(forKey: .content)) == true {
            content = ""
        } else {
            throw DecodingError.dataCorruptedError(forKey: .content, in: c, debugDescription: "content must be a string or a list of text parts")
        }
    }

    /// The message in the model's terms; `developer` is OpenAI's newer name for `system`.
    func chatMessage(index: Int) throws -> ChatMessage {
        let mapped: ChatMessage.Role
        switch role {
        case "system", "developer": mapped = .system
        case "user": mapped = .user
        case "assistant": mapped = .assistant
        default:
            throw OpenAIError.invalidRequest("messages[\(index)].role '\(self.role)' is not supported (system, developer, user, assistant).",
                                             param: "messages[\(index)].role")
        }
        return ChatMessage(role: mapped, content: content)
    }
}

/// `POST /v1/chat/completions`.
public struct ChatCompletionRequest: Decodable, Sendable {
    public var messages: [WireMessage]
    public var options: CompletionOptions

    enum CodingKeys: String, CodingKey { case messages }

    public init(from decoder: any Decoder) throws {
        messages = try decoder.container(keyedBy: CodingKeys.self).decode([WireMessage].self, forKey: .messages)
        options = try CompletionOptions(from: decoder)
    }

    public func chatMessages() throws -> [ChatMessage] {
        guard !messages.isEmpty else { throw OpenAIError.invalidRequest("messages must not be empty.", param: "messages") }
        return try messages.enumerated().map { try $0.element.chatMessage(index: $0.offset) }
    }
}

/// `POST /v1/completions`.
public struct TextCompletionRequest: Decodable, Sendable {
    public var prompt: String
    public var options: CompletionOptions

    enum CodingKeys: String, CodingKey { case prompt }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let text = try? c.decode(String.self, forKey: .prompt) {
            prompt = text
        } else if let list = try? c.decode([String].self, forKey: .prompt), list.count == 1 {
            prompt = list[0]
        } else {
            throw DecodingError.dataCorruptedError(forKey: .prompt, in: c, debugDescription: "prompt must be a string (or a list of one)")
        }
        options = try CompletionOptions(from: decoder)
    }
}

extension JSONDecoder {
    /// Decodes a request body, turning decoding failures into 400s that name the field.
    static func decodeRequest<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as OpenAIError {
            throw error
        } catch let DecodingError.keyNotFound(key, context) {
            let path = (context.codingPath + [key]).map(\.stringValue).joined(separator: ".")
            throw OpenAIError.invalidRequest("Missing required field '\(path)'.", param: path)
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw OpenAIError.invalidRequest("Field '\(path)' has the wrong type: \(context.debugDescription)", param: path)
        } catch let DecodingError.dataCorrupted(context) {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            if path.isEmpty {
                throw OpenAIError.invalidRequest("The body is not valid JSON: \(context.underlyingError.map { "\($0.localizedDescription)" } ?? context.debugDescription)")
            }
            throw OpenAIError.invalidRequest("Field '\(path)': \(context.debugDescription)", param: path)
        } catch {
            throw OpenAIError.invalidRequest("The body could not be read as JSON: \(error)")
        }
    }
}
