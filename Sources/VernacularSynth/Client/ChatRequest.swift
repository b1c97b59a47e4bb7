import Foundation
import VernacularCore

/// One chat message as the OpenAI API carries it.
public struct ChatMessage: Sendable, Codable, Hashable {
    public var role: String
    public var content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}

/// The sampling settings a template fixes for its requests.
public struct SamplingParameters: Sendable, Codable, Hashable {
    public var temperature: Double
    public var topP: Double?
    public var maxTokens: Int
    public var seed: Int?
    /// Stop sequences (the answer ends before them, with finish_reason `stop`).
    public var stop: [String]?

    public init(temperature: Double = 0.7, topP: Double? = nil, maxTokens: Int = 512, seed: Int? = nil, stop: [String]? = nil) {
        self.temperature = temperature
        self.topP = topP
        self.maxTokens = maxTokens
        self.seed = seed
        self.stop = stop
    }
}

/// A chat completion request. Its canonical JSON (sorted keys, no `stream` field) is both the
/// body sent to a non-streaming endpoint and what the cache key hashes, so a server that logs
/// the SHA-256 of the bodies it receives can be checked against the cache.
public struct ChatRequest: Sendable, Hashable {
    public var model: String
    public var messages: [ChatMessage]
    public var parameters: SamplingParameters

    public init(model: String, messages: [ChatMessage], parameters: SamplingParameters) {
        self.model = model
        self.messages = messages
        self.parameters = parameters
    }

    private struct Body: Encodable {
        var model: String
        var messages: [ChatMessage]
        var temperature: Double
        var top_p: Double?
        var max_tokens: Int
        var seed: Int?
        var stop: [String]?
        var stream: Bool?
        var stream_options: StreamOptions?
        struct StreamOptions: Encodable { var include_usage: Bool }
    }

    /// The request body: canonical when `stream` is false; streaming asks for the usage chunk.
    public func body(stream: Bool) -> [UInt8] {
        let body = Body(model: model, messages: messages, temperature: parameters.temperature, top_p: parameters.topP,
                        max_tokens: parameters.maxTokens, seed: parameters.seed, stop: parameters.stop, stream: stream ? true : nil,
                        stream_options: stream ? Body.StreamOptions(include_usage: true) : nil)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings and numbers cannot fail.
        return Array((try? encoder.encode(body)) ?? Data())
    }

    /// SHA-256 of the canonical body: the cache key and the provenance `request_hash`.
    public var hash: String { SHA256.hex(body(stream: false)) }
}
