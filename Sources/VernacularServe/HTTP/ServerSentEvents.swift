import Foundation

/// Server-Sent Events framing as OpenAI streams it: each event is one `data: ` line followed by
/// a blank line, and the stream ends with `data: [DONE]`.
public enum ServerSentEvents {
    /// One event carrying `payload` (JSON, which never contains a raw newline).
    public static func event(_ payload: Data) -> Data {
        var out = Data("data: ".utf8)
        out.append(payload)
        out.append(contentsOf: [0x0A, 0x0A])
        return out
    }

    /// One event with a text payload; a payload with newlines becomes several `data:` lines, as
    /// the SSE specification asks, so a client joins them back with newlines.
    public static func event(text: String) -> Data {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return Data((lines.map { "data: \($0)\n" }.joined() + "\n").utf8)
    }

    /// The terminating event.
    public static let done = Data("data: [DONE]\n\n".utf8)

    /// Splits a received stream back into event payloads (for tests and the load generator).
    public static func payloads(in stream: String) -> [String] {
        stream.components(separatedBy: "\n\n").compactMap { block in
            let lines = block.split(separator: "\n", omittingEmptySubsequences: false).filter { $0.hasPrefix("data:") }
            guard !lines.isEmpty else { return nil }
            return lines.map { line in
                var value = line.dropFirst(5)
                if value.first == " " { value = value.dropFirst() }
                return String(value)
            }.joined(separator: "\n")
        }
    }
}
