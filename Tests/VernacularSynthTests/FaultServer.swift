import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import VernacularCore

/// An OpenAI-compatible endpoint for the tests that misbehaves on request: a tag in the last user
/// message picks the fault, and the fault hits only the first attempt(s) of each distinct request
/// so that a retry succeeds. Every request received is logged with the SHA-256 of its body.
///   [429]      429 with Retry-After: 1, then an answer
///   [500x2]    500 twice, then an answer
///   [stall]    no answer for 6 s (past the client's timeout), then an answer
///   [cut]      the answer cut off mid-body (stream or JSON), then a whole one
///   [badjson]  200 with a body that is not JSON, then an answer
///   [400]      400 with a message, always (a client must not retry)
///   [swc]      an answer in Standard Written Chinese
///   [refuse]   a refusal
///   [long]     an answer cut at the token limit (finish_reason length)
///   [repeat]   the same phrase over and over
/// Anything else gets a Cantonese answer that depends on the user's text, so outputs differ per item.
///
/// Plain SwiftNIO on its own event loop threads: the tests' cooperative thread pool may be busy
/// with long synchronous tests, and a server that needed it would not answer in time.
final class FaultServer: Sendable {
    struct Received: Sendable {
        var bodyHash: String
        var userText: String
    }

    /// What to send for one request, decided from its body.
    enum Reply: Sendable {
        case json(status: HTTPResponseStatus, text: String, retryAfter: String?)
        /// A whole JSON body; `cut` announces its length, sends half, and closes.
        case whole(text: String, cut: Bool)
        /// Server-Sent Events; `cut` closes the connection halfway through them.
        case stream(events: [String], cut: Bool)
    }

    private let log = Mutex<[Received]>([])
    private let attempts = Mutex<[String: Int]>([:])
    private let channel = Mutex<(any Channel)?>(nil)
    /// Seconds every answer waits before it is sent (to give a kill time to land mid-job).
    let delay: Double

    var received: [Received] { log.withLock { $0 } }
    var baseURL: String { "http://127.0.0.1:\(channel.withLock { $0?.localAddress?.port ?? 0 })/v1" }

    init(delay: Double = 0) { self.delay = delay }

    func start() async throws {
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(FaultHandler(server: self))
                }
            }
        let bound = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        channel.withLock { $0 = bound }
    }

    func stop() {
        let bound = channel.withLock { $0 }
        bound?.close(promise: nil)
    }

    private struct Request: Decodable {
        var model: String
        var messages: [Message]
        var stream: Bool?
        struct Message: Decodable { var role: String; var content: String }
    }

    /// The reply and how long to wait before sending it.
    func decide(_ body: [UInt8]) -> (Reply, Double) {
        let hash = SHA256.hex(body)
        guard let request = try? JSONDecoder().decode(Request.self, from: Data(body)) else {
            return (.json(status: .badRequest, text: #"{"error":{"message":"We could not parse the JSON body of your request."}}"#, retryAfter: nil), 0)
        }
        let user = request.messages.last(where: { $0.role == "user" })?.content ?? ""
        log.withLock { $0.append(Received(bodyHash: hash, userText: user)) }
        // Retries carry the same body, so attempts are counted per body.
        let attempt = attempts.withLock { counts -> Int in
            counts[hash, default: 0] += 1
            return counts[hash]!
        }
        if user.contains("[400]") {
            return (.json(status: .badRequest, text: #"{"error":{"message":"max_tokens is too large for this model","type":"invalid_request_error"}}"#, retryAfter: nil), delay)
        }
        if user.contains("[429]"), attempt == 1 {
            return (.json(status: .tooManyRequests, text: #"{"error":{"message":"Rate limit reached","type":"rate_limit"}}"#, retryAfter: "1"), delay)
        }
        if user.contains("[500x2]"), attempt <= 2 {
            return (.json(status: .internalServerError, text: #"{"error":{"message":"overloaded"}}"#, retryAfter: nil), delay)
        }
        let wait = delay + (user.contains("[stall]") && attempt == 1 ? 6 : 0)
        if user.contains("[badjson]"), attempt == 1 { return (.json(status: .ok, text: "<html>upstream proxy error</html>", retryAfter: nil), wait) }
        // The sentences differ, so joined answers are not repetition.
        let sentences = ["我哋今日去咗街市買餸，佢話啲菜好新鮮，仲平過超市。", "佢哋琴日喺屋企睇咗成晚電視，冇出街。",
                         "呢間茶餐廳嘅奶茶好滑，我成日嚟飲。", "你知唔知地鐵站喺邊度呀？我搵咗好耐都搵唔到。",
                         "今晚落大雨，我哋唔好去海灘喇。", "部電影講一家人喺香港生活，我睇到喊咗。"]
        var content = sentences[Int(UInt64(SHA256.hex(user).prefix(8), radix: 16)! % UInt64(sentences.count))]
        var finish = "stop"
        if user.contains("[swc]") { content = "我們今天去了市場買菜，他說這些菜非常新鮮，而且比超市便宜。" }
        if user.contains("[refuse]") { content = "對不起，我無法幫你翻譯呢段文字。" }
        if user.contains("[long]") { finish = "length" }
        if user.contains("[repeat]") { content = String(repeating: "好正呀好正呀", count: 30) }
        let cut = user.contains("[cut]") && attempt == 1
        let model = request.model
        guard request.stream == true else {
            let escaped = Self.quoted(content)
            let text = #"{"id":"chatcmpl-test","object":"chat.completion","model":"\#(model)","choices":[{"index":0,"message":{"role":"assistant","content":\#(escaped)},"finish_reason":"\#(finish)"}],"usage":{"prompt_tokens":40,"completion_tokens":\#(content.count)}}"#
            return (.whole(text: text, cut: cut), wait)
        }
        var events = [#"{"id":"c","object":"chat.completion.chunk","model":"\#(model)","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}"#]
        for piece in content {
            events.append(#"{"id":"c","object":"chat.completion.chunk","model":"\#(model)","choices":[{"index":0,"delta":{"content":\#(Self.quoted(String(piece)))},"finish_reason":null}]}"#)
        }
        events.append(#"{"id":"c","object":"chat.completion.chunk","model":"\#(model)","choices":[{"index":0,"delta":{},"finish_reason":"\#(finish)"}]}"#)
        events.append(#"{"id":"c","object":"chat.completion.chunk","model":"\#(model)","choices":[],"usage":{"prompt_tokens":40,"completion_tokens":\#(content.count)}}"#)
        events.append("[DONE]")
        return (.stream(events: events, cut: cut), wait)
    }

    static func quoted(_ text: String) -> String { String(decoding: (try? JSONEncoder().encode(text)) ?? Data(), as: UTF8.self) }
}

/// One connection: collects a request, then writes the server's reply after its delay.
private final class FaultHandler: ChannelInboundHandler, @unchecked Sendable {
    // @unchecked: used only on its channel's event loop.
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let server: FaultServer
    private var body: [UInt8] = []

    init(server: FaultServer) { self.server = server }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: body = []
        case .body(let buffer): body += Array(buffer: buffer)
        case .end:
            let (reply, wait) = server.decide(body)
            let loop = context.eventLoop
            let bound = NIOLoopBound(context, eventLoop: loop)
            loop.scheduleTask(in: .milliseconds(Int64(wait * 1000))) { self.send(reply, context: bound.value) }
        }
    }

    private func send(_ reply: FaultServer.Reply, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        switch reply {
        case .json(let status, let text, let retryAfter):
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "Content-Length", value: String(text.utf8.count))
            if let retryAfter { headers.add(name: "Retry-After", value: retryAfter) }
            write(status: status, headers: headers, chunks: [text], context: context)
        case .whole(let text, let cut):
            let bytes = Array(text.utf8)
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "Content-Length", value: String(bytes.count))
            if cut {
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: bytes[..<(bytes.count / 2)])))), promise: nil)
                context.close(promise: nil)
            } else {
                write(status: .ok, headers: headers, chunks: [text], context: context)
            }
        case .stream(let events, let cut):
            headers.add(name: "Content-Type", value: "text/event-stream")
            headers.add(name: "Transfer-Encoding", value: "chunked")
            let lines = events.map { "data: \($0)\n\n" }
            if cut {
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
                for line in lines.prefix(lines.count / 2) {
                    context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: line)))), promise: nil)
                }
                context.flush()
                context.close(promise: nil)
            } else {
                write(status: .ok, headers: headers, chunks: lines, context: context)
            }
        }
    }

    private func write(status: HTTPResponseStatus, headers: HTTPHeaders, chunks: [String], context: ChannelHandlerContext) {
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        for chunk in chunks { context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: chunk)))), promise: nil) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}

struct FaultServerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
