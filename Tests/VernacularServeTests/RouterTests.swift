import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VernacularModels
@testable import VernacularServe

/// An engine that answers with scripted events, so these tests are about HTTP, not the model.
final class ScriptedEngine: CompletionEngine, @unchecked Sendable {
    let modelID = "fake-model"
    let pieces: [String]
    let finish: FinishReason
    var overloaded = false
    private let lock = NSLock()
    private var received: [GenerationRequest] = []

    init(pieces: [String] = ["早", "晨", " world"], finish: FinishReason = .stop) {
        self.pieces = pieces
        self.finish = finish
    }

    var requests: [GenerationRequest] { lock.withLock { received } }
    func promptTokens(chat: [ChatMessage]) -> [Int] { Array(repeating: 1, count: chat.map(\.content.count).reduce(1, +)) }
    func promptTokens(text: String) -> [Int] { Array(repeating: 1, count: text.count + 1) }
    var queueDepth: Int { 0 }
    var busySlots: Int { 0 }
    var slots: Int { 1 }
    func shutdown() {}

    func submit(_ request: GenerationRequest) throws -> GenerationStream {
        if overloaded { throw OpenAIError.overloaded(queue: 5) }
        lock.withLock { received.append(request) }
        let (events, continuation) = AsyncThrowingStream.makeStream(of: GenerationEvent.self, throwing: (any Error).self)
        for piece in pieces { continuation.yield(.text(piece)) }
        continuation.yield(.finished(GenerationSummary(finishReason: finish, promptTokens: request.prompt.count,
                                                       completionTokens: pieces.count, timeToFirstToken: 0.01)))
        continuation.finish()
        return GenerationStream(events: events, flag: CancellationFlag())
    }
}

struct RouterTests {
    func app(_ engine: (any CompletionEngine)?, apiKey: String? = nil, context: Int = 64) -> some ApplicationProtocol {
        let configuration = ServeConfiguration(context: context, apiKey: apiKey, maxBodyBytes: 4096, modelID: "fake-model")
        return Application(router: buildRouter(host: ModelHost(engine: engine), configuration: configuration, metrics: ServeMetrics()))
    }

    func json(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any])
    }

    func error(_ buffer: ByteBuffer) throws -> [String: Any] {
        let object = try json(buffer)
        let error = try #require(object["error"] as? [String: Any])
        #expect(Set(error.keys) == ["message", "type", "param", "code"], "OpenAI's four fields: \(error)")
        return error
    }

    static let chatBody = #"{"model":"fake-model","messages":[{"role":"user","content":"hi"}],"max_tokens":5}"#

    @Test func healthIs503WhileLoadingAndTheAPIAnswers503() async throws {
        try await app(nil).test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { #expect($0.status == .serviceUnavailable) }
            try await client.execute(uri: "/v1/chat/completions", method: .post, body: ByteBuffer(string: Self.chatBody)) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.retryAfter] == "1")
            }
        }
        try await app(ScriptedEngine()).test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test func plainChatCompletionHasOpenAIsShape() async throws {
        let engine = ScriptedEngine()
        try await app(engine).test(.router) { client in
            try await client.execute(uri: "/v1/chat/completions", method: .post, body: ByteBuffer(string: Self.chatBody)) { response in
                #expect(response.status == .ok)
                let object = try json(response.body)
                #expect(object["object"] as? String == "chat.completion")
                #expect((object["id"] as? String)?.hasPrefix("chatcmpl-") == true)
                let choice = try #require((object["choices"] as? [[String: Any]])?.first)
                #expect((choice["message"] as? [String: Any])?["content"] as? String == "早晨 world")
                #expect(choice["finish_reason"] as? String == "stop")
                #expect((object["usage"] as? [String: Int])?["completion_tokens"] == 3)
            }
        }
        #expect(engine.requests.first?.maxTokens == 5)
    }

    @Test func streamedChatIsRoleChunkTextChunksFinishUsageThenDone() async throws {
        let body = #"{"messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true},"stop":"x"}"#
        let engine = ScriptedEngine(finish: .length)
        try await app(engine).test(.router) { client in
            try await client.execute(uri: "/v1/chat/completions", method: .post, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/event-stream") == true)
                let text = String(buffer: response.body)
                #expect(text.hasSuffix("\n\ndata: [DONE]\n\n"))
                let payloads = ServerSentEvents.payloads(in: text)
                #expect(payloads.count == 1 + 3 + 1 + 1 + 1)
                let chunks = try payloads.dropLast().map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
                func delta(_ chunk: [String: Any]) -> [String: Any]? {
                    ((chunk["choices"] as? [[String: Any]])?.first?["delta"]) as? [String: Any]
                }
                #expect(delta(chunks[0])?["role"] as? String == "assistant")
                #expect(chunks[1...3].compactMap { delta($0)?["content"] as? String } == ["早", "晨", " world"])
                #expect(chunks[1...3].allSatisfy { delta($0)?["role"] == nil })
                let last = try #require((chunks[4]["choices"] as? [[String: Any]])?.first)
                #expect(last["finish_reason"] as? String == "length")
                #expect((chunks[5]["choices"] as? [Any])?.isEmpty == true)
                #expect((chunks[5]["usage"] as? [String: Int])?["total_tokens"] == engine.requests[0].prompt.count + 3)
                #expect(Set(chunks.compactMap { $0["id"] as? String }).count == 1)
            }
        }
        #expect(engine.requests.first?.stop == ["x"])
    }

    @Test func errorsAreOpenAIShapedWithTheirStatuses() async throws {
        let engine = ScriptedEngine()
        try await app(engine, apiKey: "sesame").test(.router) { client in
            let auth: HTTPFields = [.authorization: "Bearer sesame"]
            try await client.execute(uri: "/v1/models", method: .get) { response in
                #expect(response.status == .unauthorized)
                let field = try error(response.body)["code"] as? String
                #expect(field == "invalid_api_key")
            }
            try await client.execute(uri: "/v1/models", method: .get, headers: [.authorization: "Bearer wrong"]) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/v1/models", method: .get, headers: auth) { response in
                #expect(response.status == .ok)
                let data = try json(response.body)["data"] as? [[String: Any]]
                #expect(data?.first?["id"] as? String == "fake-model")
            }
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: auth, body: ByteBuffer(string: "{not json")) { response in
                #expect(response.status == .badRequest)
                let field = try error(response.body)["type"] as? String
                #expect(field == "invalid_request_error")
            }
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: auth,
                                     body: ByteBuffer(string: #"{"messages":[{"role":"user","content":"hi"}],"temperature":"hot"}"#)) { response in
                #expect(response.status == .badRequest)
                let field = try error(response.body)["param"] as? String
                #expect(field == "temperature")
            }
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: auth,
                                     body: ByteBuffer(string: #"{"messages":[{"role":"user","content":"hi"}],"n":2}"#)) { response in
                #expect(response.status == .badRequest)
                let field = try error(response.body)["param"] as? String
                #expect(field == "n")
            }
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: auth,
                                     body: ByteBuffer(string: #"{"model":"gpt-9","messages":[{"role":"user","content":"hi"}]}"#)) { response in
                #expect(response.status == .notFound)
                let field = try error(response.body)["code"] as? String
                #expect(field == "model_not_found")
            }
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: auth,
                                     body: ByteBuffer(string: #"{"messages":[{"role":"user","content":"hi"}],"max_tokens":100}"#)) { response in
                #expect(response.status == .badRequest)
                let message = try error(response.body)["message"] as? String ?? ""
                #expect(message.contains("64") && message.contains("100") && message.contains("3 tokens"), "names context, prompt and max_tokens: \(message)")
            }
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: auth,
                                     body: ByteBuffer(string: String(repeating: " ", count: 5000) + Self.chatBody)) { response in
                #expect(response.status == .contentTooLarge)
                _ = try error(response.body)
            }
            try await client.execute(uri: "/v1/nothing", method: .get, headers: auth) { response in
                #expect(response.status == .notFound)
                _ = try error(response.body)
            }
            engine.overloaded = true
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: auth, body: ByteBuffer(string: Self.chatBody)) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] == "1")
                let field = try error(response.body)["type"] as? String
                #expect(field == "rate_limit_error")
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.contains(#"vern_requests_total{endpoint="/v1/chat/completions",status="429"} 1"#))
                #expect(text.contains(#"vern_requests_total{endpoint="/v1/models",status="401"} 2"#))
                #expect(text.contains(#"vern_requests_total{endpoint="other",status="404"} 1"#))
                #expect(text.contains("vern_time_to_first_token_seconds_bucket") && text.contains("vern_busy_slots 0"))
            }
        }
    }

    @Test func textCompletionsAndThePage() async throws {
        try await app(ScriptedEngine(pieces: ["Paris", "."])).test(.router) { client in
            try await client.execute(uri: "/v1/completions", method: .post,
                                     body: ByteBuffer(string: #"{"prompt":"The capital of France is","max_tokens":4}"#)) { response in
                let object = try json(response.body)
                #expect(object["object"] as? String == "text_completion")
                #expect(((object["choices"] as? [[String: Any]])?.first?["text"]) as? String == "Paris.")
            }
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                let page = String(buffer: response.body)
                #expect(page.contains("/v1/chat/completions") && page.contains("id=\"stop\"") && page.contains("viewport"))
                #expect(!page.contains("http://") && !page.contains("https://"), "no external files")
            }
        }
    }
}
