import Foundation
import Hummingbird

/// An error answered in OpenAI's shape, `{"error": {"message", "type", "param", "code"}}`, so
/// that OpenAI clients show the message and retry what is worth retrying (429, 5xx).
public struct OpenAIError: Error, Sendable, HTTPResponseError, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var message: String
    public var type: String
    public var param: String?
    public var code: String?
    /// Seconds after which a client may try again (429, 503).
    public var retryAfter: Int?

    public init(status: HTTPResponse.Status, message: String, type: String, param: String? = nil,
                code: String? = nil, retryAfter: Int? = nil) {
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.retryAfter = retryAfter
    }

    public var description: String { "\(status.code) \(type): \(message)" }

    /// 400: a malformed body or a field out of range, naming the field.
    public static func invalidRequest(_ message: String, param: String? = nil, code: String? = nil) -> OpenAIError {
        OpenAIError(status: .badRequest, message: message, type: "invalid_request_error", param: param, code: code)
    }

    /// 401: no API key, or the wrong one.
    public static let unauthorized = OpenAIError(
        status: .unauthorized, message: "Incorrect or missing API key: send 'Authorization: Bearer KEY'.",
        type: "invalid_request_error", code: "invalid_api_key")

    /// 404: a model this server does not serve.
    public static func modelNotFound(_ model: String, served: String) -> OpenAIError {
        OpenAIError(status: .notFound, message: "The model '\(model)' does not exist; this server serves '\(served)'.",
                    type: "invalid_request_error", param: "model", code: "model_not_found")
    }

    /// 404: no such endpoint.
    public static func routeNotFound(_ method: String, _ path: String) -> OpenAIError {
        OpenAIError(status: .notFound, message: "No endpoint \(method) \(path).", type: "invalid_request_error",
                    code: "unknown_url")
    }

    /// 413: a body over the limit.
    public static func bodyTooLarge(limit: Int) -> OpenAIError {
        OpenAIError(status: .contentTooLarge, message: "The request body is larger than \(limit) bytes.",
                    type: "invalid_request_error", code: "request_too_large")
    }

    /// 429: every slot busy and the queue full.
    public static func overloaded(queue: Int) -> OpenAIError {
        OpenAIError(status: .tooManyRequests,
                    message: "The server is busy: all slots are decoding and \(queue) requests are waiting. Try again shortly.",
                    type: "rate_limit_error", code: "queue_full", retryAfter: 1)
    }

    /// 503: the model is still loading, or the server is shutting down.
    public static func unavailable(_ message: String) -> OpenAIError {
        OpenAIError(status: .serviceUnavailable, message: message, type: "server_error", code: "unavailable", retryAfter: 1)
    }

    /// 500: generation failed inside the engine.
    public static func internalError(_ message: String) -> OpenAIError {
        OpenAIError(status: .internalServerError, message: message, type: "server_error", code: "internal_error")
    }

    /// The JSON body.
    public var body: Data {
        let object: [String: Any] = ["error": [
            "message": message, "type": type,
            "param": param.map { $0 as Any } ?? NSNull(),
            "code": code.map { $0 as Any } ?? NSNull(),
        ] as [String: Any]]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
