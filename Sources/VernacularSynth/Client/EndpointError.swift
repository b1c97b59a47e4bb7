/// Why a request to the endpoint did not give an answer, and whether trying again can help.
public enum EndpointError: Error, Sendable, CustomStringConvertible, Equatable {
    /// An HTTP error status, with the server's message and its `Retry-After` in seconds if given.
    case status(code: Int, message: String, retryAfter: Double?)
    /// No complete answer within the per-request timeout.
    case timeout(seconds: Double)
    /// The connection failed or was cut before the answer was complete.
    case connection(String)
    /// A 200 answer that is not the JSON (or event stream) of a chat completion.
    case invalidResponse(String)

    /// 408, 409, 429 and 5xx, timeouts, cut connections and garbled answers are worth another
    /// try; any other 4xx means the request itself is wrong and would fail again (and be paid again).
    public var isRetryable: Bool {
        switch self {
        case .status(let code, _, _): code == 408 || code == 409 || code == 429 || code >= 500
        case .timeout, .connection, .invalidResponse: true
        }
    }

    /// The server's wait hint, if any.
    public var retryAfter: Double? {
        if case .status(_, _, let seconds) = self { return seconds }
        return nil
    }

    /// The key under which failures are counted in stats.json.
    public var kind: String {
        switch self {
        case .status(let code, _, _): "http_\(code)"
        case .timeout: "timeout"
        case .connection: "connection"
        case .invalidResponse: "invalid_response"
        }
    }

    public var description: String {
        switch self {
        case .status(let code, let message, _): "HTTP \(code): \(message)"
        case .timeout(let seconds): "no answer within \(seconds) s"
        case .connection(let reason): "connection failed: \(reason)"
        case .invalidResponse(let reason): "invalid response: \(reason)"
        }
    }
}
