import Foundation

/// Counters and histograms for `GET /metrics`, in Prometheus' text format.
public final class ServeMetrics: @unchecked Sendable {
    // @unchecked: every field is behind the lock.
    private let lock = NSLock()
    private var requests: [RequestKey: Int] = [:]
    private var promptTokens = 0
    private var generatedTokens = 0
    private var timeToFirstToken = Histogram(bounds: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30])
    private var duration = Histogram(bounds: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120])

    struct RequestKey: Hashable, Comparable {
        let endpoint: String
        let status: Int
        static func < (a: RequestKey, b: RequestKey) -> Bool { (a.endpoint, a.status) < (b.endpoint, b.status) }
    }

    /// A cumulative histogram over fixed upper bounds.
    struct Histogram {
        let bounds: [Double]
        var counts: [Int]
        var sum = 0.0
        var total = 0
        init(bounds: [Double]) {
            self.bounds = bounds
            counts = Array(repeating: 0, count: bounds.count)
        }
        mutating func observe(_ value: Double) {
            for (index, bound) in bounds.enumerated() where value <= bound { counts[index] += 1 }
            sum += value
            total += 1
        }
    }

    public init() {}

    /// One answered request; `endpoint` must be one of a fixed set of paths (label cardinality).
    public func recordRequest(endpoint: String, status: Int) {
        lock.withLock { requests[RequestKey(endpoint: endpoint, status: status), default: 0] += 1 }
    }

    /// One finished generation.
    public func recordGeneration(_ summary: GenerationSummary) {
        lock.withLock {
            promptTokens += summary.promptTokens
            generatedTokens += summary.completionTokens
            if let first = summary.timeToFirstToken { timeToFirstToken.observe(first) }
        }
    }

    /// A completion request's wall time, from its arrival to its last byte.
    public func recordDuration(_ seconds: Double) { lock.withLock { duration.observe(seconds) } }

    /// The exposition text, with the gauges read now.
    public func render(queueDepth: Int, busySlots: Int, slots: Int) -> String {
        lock.withLock {
            var out = ""
            out += "# HELP vern_requests_total HTTP requests answered, by endpoint and status.\n"
            out += "# TYPE vern_requests_total counter\n"
            for (key, count) in requests.sorted(by: { $0.key < $1.key }) {
                out += "vern_requests_total{endpoint=\"\(key.endpoint)\",status=\"\(key.status)\"} \(count)\n"
            }
            out += "# HELP vern_prompt_tokens_total Prompt tokens processed.\n# TYPE vern_prompt_tokens_total counter\n"
            out += "vern_prompt_tokens_total \(promptTokens)\n"
            out += "# HELP vern_generated_tokens_total Tokens generated.\n# TYPE vern_generated_tokens_total counter\n"
            out += "vern_generated_tokens_total \(generatedTokens)\n"
            out += "# HELP vern_queue_depth Requests waiting for a slot.\n# TYPE vern_queue_depth gauge\n"
            out += "vern_queue_depth \(queueDepth)\n"
            out += "# HELP vern_busy_slots Slots decoding a request.\n# TYPE vern_busy_slots gauge\n"
            out += "vern_busy_slots \(busySlots)\n"
            out += "# HELP vern_slots Slots configured.\n# TYPE vern_slots gauge\nvern_slots \(slots)\n"
            out += Self.render(timeToFirstToken, name: "vern_time_to_first_token_seconds",
                               help: "Seconds from a request's arrival to its first generated token.")
            out += Self.render(duration, name: "vern_request_duration_seconds",
                               help: "Seconds from a completion request's arrival to its last byte.")
            return out
        }
    }

    private static func render(_ histogram: Histogram, name: String, help: String) -> String {
        var out = "# HELP \(name) \(help)\n# TYPE \(name) histogram\n"
        for (bound, count) in zip(histogram.bounds, histogram.counts) {
            out += "\(name)_bucket{le=\"\(bound)\"} \(count)\n"
        }
        out += "\(name)_bucket{le=\"+Inf\"} \(histogram.total)\n"
        out += "\(name)_sum \(histogram.sum)\n\(name)_count \(histogram.total)\n"
        return out
    }
}
