/// How often and how long to wait before trying a failed request again.
public struct RetryPolicy: Sendable, Equatable {
    /// Retries after the first attempt (so `maxRetries + 1` attempts in all).
    public var maxRetries: Int
    /// The wait before the first retry; it doubles with each further one.
    public var baseDelay: Double
    /// No computed wait is longer (a server's `Retry-After` may be, up to `maxRetryAfter`).
    public var maxDelay: Double
    /// A `Retry-After` longer than this is not waited for: the request fails and the item stays
    /// for the next run.
    public var maxRetryAfter: Double

    public init(maxRetries: Int = 6, baseDelay: Double = 1, maxDelay: Double = 60, maxRetryAfter: Double = 600) {
        self.maxRetries = maxRetries
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    /// The wait before retry number `retry` (1 for the first), or nil when no retry is left.
    /// Exponential with "equal jitter" (half fixed, half random), so clients that failed together
    /// do not come back together; a server's `Retry-After` is honoured as a lower bound.
    public func delay(beforeRetry retry: Int, after error: EndpointError,
                      random: (ClosedRange<Double>) -> Double = { Double.random(in: $0) }) -> Double? {
        guard error.isRetryable, retry <= maxRetries else { return nil }
        let exponential = min(maxDelay, baseDelay * Double(1 << min(retry - 1, 30)))
        let jittered = exponential / 2 + random(0 ... exponential / 2)
        if let hint = error.retryAfter {
            guard hint <= maxRetryAfter else { return nil }
            return max(hint, jittered)
        }
        return jittered
    }
}
