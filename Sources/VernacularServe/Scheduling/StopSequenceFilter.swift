/// Holds back text that could be the start of a stop sequence, so a stop string is never sent,
/// not even its first half in one chunk with the rest in the next.
public struct StopSequenceFilter: Sendable {
    public let stops: [String]
    private var pending = ""

    public init(stops: [String]) { self.stops = stops.filter { !$0.isEmpty } }

    /// What `append` decided.
    public struct Output: Equatable, Sendable {
        /// Text that can be sent now.
        public var ready: String
        /// A stop sequence was found: nothing after `ready` may be sent.
        public var stopped: Bool
    }

    /// Adds decoded text; returns what is safe to send.
    public mutating func append(_ text: String) -> Output {
        pending += text
        if let range = stops.compactMap({ pending.range(of: $0) }).min(by: { $0.lowerBound < $1.lowerBound }) {
            let ready = String(pending[..<range.lowerBound])
            pending = ""
            return Output(ready: ready, stopped: true)
        }
        let keep = Self.longestStopPrefix(at: pending, stops: stops)
        let ready = String(pending.dropLast(keep))
        pending = String(pending.suffix(keep))
        return Output(ready: ready, stopped: false)
    }

    /// At the end of generation: what was held back is not a stop sequence after all.
    public mutating func finish() -> String {
        defer { pending = "" }
        return pending
    }

    /// Length in characters of the longest suffix of `text` that is a proper prefix of a stop.
    static func longestStopPrefix(at text: String, stops: [String]) -> Int {
        var best = 0
        for stop in stops {
            for length in stride(from: min(stop.count - 1, text.count), to: best, by: -1)
            where text.hasSuffix(String(stop.prefix(length))) {
                best = length
                break
            }
        }
        return best
    }
}
