import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Where to send requests and how long to wait for one.
public struct EndpointSettings: Sendable {
    /// The base URL as OpenAI clients take it (`http://host:port/v1`), a bare server URL, or the
    /// full `/chat/completions` URL.
    public var url: String
    public var apiKey: String?
    /// Seconds for one whole request, answer included.
    public var timeout: Double
    /// Ask for Server-Sent Events instead of one JSON answer.
    public var stream: Bool

    public init(url: String, apiKey: String? = nil, timeout: Double = 120, stream: Bool = false) {
        self.url = url
        self.apiKey = apiKey
        self.timeout = timeout
        self.stream = stream
    }

    /// The chat completions URL for `url`.
    public var chatCompletionsURL: String {
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        if base.hasSuffix("/chat/completions") { return base }
        if base.hasSuffix("/v1") { return base + "/chat/completions" }
        return base + "/v1/chat/completions"
    }
}

/// Sends one chat completion request and reads one answer: no retries here (see RetryingClient).
public protocol ChatCompleting: Sendable {
    func complete(_ request: ChatRequest) async throws(EndpointError) -> ChatAnswer
}

/// An OpenAI-compatible endpoint over AsyncHTTPClient.
public final class EndpointClient: ChatCompleting {
    public let settings: EndpointSettings
    private let http: HTTPClient
    /// Answers larger than this are garbage, not chat completions.
    private let maxAnswerBytes = 16 << 20

    public init(settings: EndpointSettings) {
        self.settings = settings
        var configuration = HTTPClient.Configuration()
        configuration.timeout = HTTPClient.Configuration.Timeout(connect: .seconds(Int64(max(1, min(settings.timeout, 30)))))
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Closes the connection pool; call once when the job is done.
    public func shutdown() async {
        try? await http.shutdown()
    }

    public func complete(_ request: ChatRequest) async throws(EndpointError) -> ChatAnswer {
        let seconds = settings.timeout
        do {
            return try await withThrowingTaskGroup(of: ChatAnswer.self) { group in
                group.addTask { try await self.send(request) }
                group.addTask {
                    try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                    throw EndpointError.timeout(seconds: seconds)
                }
                // The first to finish wins; the other is cancelled (AsyncHTTPClient drops the
                // connection of a cancelled request).
                defer { group.cancelAll() }
                guard let answer = try await group.next() else { throw EndpointError.timeout(seconds: seconds) }
                return answer
            }
        } catch let error as EndpointError {
            throw error
        } catch {
            throw EndpointError.connection(Self.describe(error))
        }
    }

    private func send(_ request: ChatRequest) async throws -> ChatAnswer {
        var http = HTTPClientRequest(url: settings.chatCompletionsURL)
        http.method = .POST
        http.headers.add(name: "Content-Type", value: "application/json")
        http.headers.add(name: "Accept", value: settings.stream ? "text/event-stream" : "application/json")
        if let key = settings.apiKey { http.headers.add(name: "Authorization", value: "Bearer \(key)") }
        http.body = .bytes(ByteBuffer(bytes: request.body(stream: settings.stream)))
        let response: HTTPClientResponse
        do { response = try await self.http.execute(http, timeout: .seconds(Int64(settings.timeout.rounded(.up)) + 1)) } catch {
            throw EndpointError.connection(Self.describe(error))
        }
        guard response.status.code == 200 else {
            let body = (try? await response.body.collect(upTo: 1 << 20)).map { String(buffer: $0) } ?? ""
            throw EndpointError.status(code: Int(response.status.code), message: Self.serverMessage(body),
                                       retryAfter: RetryAfter.seconds(in: response.headers))
        }
        if settings.stream { return try await EventStreamAnswer.read(response.body) }
        let body: ByteBuffer
        do { body = try await response.body.collect(upTo: maxAnswerBytes) } catch {
            throw EndpointError.connection(Self.describe(error))
        }
        return try CompletionJSON.answer(from: Array(buffer: body))
    }

    /// The `error.message` of an OpenAI error body, or the body itself, shortened.
    static func serverMessage(_ body: String) -> String {
        if let data = body.data(using: .utf8),
           let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           let error = object["error"] as? [String: Any], let message = error["message"] as? String {
            return message
        }
        let trimmed = body.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? "(no message)" : String(trimmed.prefix(300))
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError { return "\(error)" }
        return String(describing: error)
    }
}

/// The `Retry-After` hint: `retry-after-ms`, or `Retry-After` in seconds or as an HTTP date.
enum RetryAfter {
    static func seconds(in headers: HTTPHeaders) -> Double? {
        if let text = headers.first(name: "retry-after-ms"), let ms = Double(text.trimmingCharacters(in: .whitespaces)), ms >= 0 {
            return ms / 1000
        }
        guard let text = headers.first(name: "retry-after")?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Double(text), seconds >= 0 { return seconds }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text) else { return nil }
        return max(0, date.timeIntervalSinceNow)
    }
}
