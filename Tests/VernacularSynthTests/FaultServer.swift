import Foundation
import Hummingbird
import NIOCore
import Synchronization
import VernacularCore

/// An OpenAI-compatible endpoint for the tests that misbehaves on request: a tag in the last user
/// message picks the fault, and the fault hits only the first attempt(s) of each distinct request
/// so that a retry succeeds. Every request received is logged with the SHA-256 of its body.
///   [429]      429 with Retry-After: 1, then an answer
///   [500x2]    500 twice, then an answer
///   [stall]    no answer for 3 s (past the client's timeout), then an answer
///   [cut]      the answer cut off mid-body (stream or JSON), then a whole one
///   [badjson]  200 with a body that is not JSON, then an answer
///   [400]      400 with a message, always (a client must not retry)
///   [swc]      an answer in Standard Written Chinese
///   [refuse]   a refusal
///   [long]     an answer cut at the token limit (finish_reason length)
///   [repeat]   the same phrase over and over
/// Anything else gets a Cantonese answer that depends on the request, so outputs differ per item.
final class FaultServer: Sendable {
    struct Received: Sendable {
        var bodyHash: String
        var userText: String
    }

    private let log = Mutex<[Received]>([])
    private let attempts = Mutex<[String: Int]>([:])
    private let portBox = Mutex(0)
    /// Seconds every answer waits before it is sent (to give a kill time to land mid-job).
    let delay: Double
    private let task = Mutex<Task<Void, any Error>?>(nil)

    var received: [Received] { log.withLock { $0 } }
    var baseURL: String { "http://127.0.0.1:\(portBox.withLock { $0 })/v1" }

    init(delay: Double = 0) { self.delay = delay }

    func start() async throws {
        let router = Router()
        router.post("/v1/chat/completions") { [self] request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            return try await answer(Array(buffer: body))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { [self] channel in self.portBox.withLock { $0 = channel.localAddress?.port ?? 0 } })
        let running = Task { try await app.runService(gracefulShutdownSignals: []) }
        task.withLock { $0 = running }
        let deadline = Date().addingTimeInterval(20)
        while portBox.withLock({ $0 }) == 0 {
            guard Date() < deadline else { throw FaultServerError("the fault server did not start") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    func stop() { task.withLock { $0?.cancel() } }

    private struct Request: Decodable {
        var model: String
        var messages: [Message]
        var stream: Bool?
        var max_tokens: Int?
        struct Message: Decodable { var role: String; var content: String }
    }

    private func answer(_ body: [UInt8]) async throws -> Response {
        let hash = SHA256.hex(body)
        guard let request = try? JSONDecoder().decode(Request.self, from: Data(body)) else {
            return Self.json(status: .badRequest, #"{"error":{"message":"We could not parse the JSON body of your request.","type":"invalid_request_error"}}"#)
        }
        let user = request.messages.last(where: { $0.role == "user" })?.content ?? ""
        log.withLock { $0.append(Received(bodyHash: hash, userText: user)) }
        // Retries of a streamed request carry the same body, so attempts are counted per body.
        let attempt = attempts.withLock { counts -> Int in
            counts[hash, default: 0] += 1
            return counts[hash]!
        }
        if delay > 0 { try await Task.sleep(for: .milliseconds(Int(delay * 1000))) }
        let stream = request.stream == true
        if user.contains("[400]") {
            return Self.json(status: .badRequest, #"{"error":{"message":"max_tokens is too large for this model","type":"invalid_request_error"}}"#)
        }
        if user.contains("[429]"), attempt == 1 {
            return Self.json(status: .tooManyRequests, #"{"error":{"message":"Rate limit reached","type":"rate_limit"}}"#,
                             retryAfter: "1")
        }
        if user.contains("[500x2]"), attempt <= 2 { return Self.json(status: .internalServerError, #"{"error":{"message":"overloaded"}}"#) }
        if user.contains("[stall]"), attempt == 1 { try await Task.sleep(for: .seconds(3)) }
        if user.contains("[badjson]"), attempt == 1 { return Self.json(status: .ok, "<html>upstream proxy error</html>") }
        // The answer depends on the user's text only (not on stream or other fields), and the
        // sentences differ, so joined answers are not repetition.
        let sentences = ["我哋今日去咗街市買餸，佢話啲菜好新鮮，仲平過超市。", "佢哋琴日喺屋企睇咗成晚電視，冇出街。",
                         "呢間茶餐廳嘅奶茶好滑，我成日嚟飲。", "你知唔知地鐵站喺邊度呀？我搵咗好耐都搵唔到。",
                         "今晚落大雨，我哋唔好去海灘喇。", "部電影講一家人喺香港生活，我睇到喊咗。"]
        let pick = Int(UInt64(SHA256.hex(user).prefix(8), radix: 16)! % UInt64(sentences.count))
        var content = sentences[pick]
        var finish = "stop"
        if user.contains("[swc]") { content = "我們今天去了市場買菜，他說這些菜非常新鮮，而且比超市便宜。" }
        if user.contains("[refuse]") { content = "對不起，我無法幫你翻譯呢段文字。" }
        if user.contains("[long]") { finish = "length" }
        if user.contains("[repeat]") { content = String(repeating: "好正呀好正呀", count: 30) }
        let cut = user.contains("[cut]") && attempt == 1
        return stream ? Self.streamed(content, finish: finish, model: request.model, cut: cut)
            : Self.whole(content, finish: finish, model: request.model, cut: cut)
    }

    private static func json(status: HTTPResponse.Status, _ text: String, retryAfter: String? = nil) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfter { headers[.retryAfter] = retryAfter }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    private static func completion(_ content: String, finish: String, model: String) -> String {
        let escaped = String(decoding: try! JSONEncoder().encode(content), as: UTF8.self)
        return #"{"id":"chatcmpl-test","object":"chat.completion","model":"\#(model)","choices":[{"index":0,"message":{"role":"assistant","content":\#(escaped)},"finish_reason":"\#(finish)"}],"usage":{"prompt_tokens":40,"completion_tokens":\#(content.count)}}"#
    }

    private static func whole(_ content: String, finish: String, model: String, cut: Bool) -> Response {
        let text = completion(content, finish: finish, model: model)
        guard cut else { return json(status: .ok, text) }
        // Announce the whole length, send half, then drop the connection.
        let bytes = Array(text.utf8)
        return Response(status: .ok, headers: [.contentType: "application/json", .contentLength: String(bytes.count)],
                        body: ResponseBody { writer in
                            try await writer.write(ByteBuffer(bytes: bytes[..<(bytes.count / 2)]))
                            throw FaultServerError("cut")
                        })
    }

    private static func streamed(_ content: String, finish: String, model: String, cut: Bool) -> Response {
        let pieces = content.map { String($0) }
        return Response(status: .ok, headers: [.contentType: "text/event-stream"], body: ResponseBody { writer in
            func event(_ json: String) async throws { try await writer.write(ByteBuffer(string: "data: \(json)\n\n")) }
            try await event(#"{"id":"c","object":"chat.completion.chunk","model":"\#(model)","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}"#)
            for (index, piece) in pieces.enumerated() {
                if cut, index == pieces.count / 2 { throw FaultServerError("cut") }
                let escaped = String(decoding: try JSONEncoder().encode(piece), as: UTF8.self)
                try await event(#"{"id":"c","object":"chat.completion.chunk","model":"\#(model)","choices":[{"index":0,"delta":{"content":\#(escaped)},"finish_reason":null}]}"#)
            }
            try await event(#"{"id":"c","object":"chat.completion.chunk","model":"\#(model)","choices":[{"index":0,"delta":{},"finish_reason":"\#(finish)"}]}"#)
            try await event(#"{"id":"c","object":"chat.completion.chunk","model":"\#(model)","choices":[],"usage":{"prompt_tokens":40,"completion_tokens":\#(pieces.count)}}"#)
            try await writer.write(ByteBuffer(string: "data: [DONE]\n\n"))
            try await writer.finish(nil)
        })
    }
}

struct FaultServerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
