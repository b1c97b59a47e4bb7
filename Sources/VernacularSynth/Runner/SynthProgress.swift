import Foundation
import VernacularCore

/// The live line of a synthesis job: items done of all, requests and cache hits, tokens, rate
/// and time left. On a terminal it redraws one line; otherwise it logs every few seconds.
final class SynthProgress {
    private let total: Int
    private let style: ProgressStyle
    private let start = Date()
    private var lastPrint = Date.distantPast
    private let interactive = isatty(STDERR_FILENO) == 1

    init(total: Int, style: ProgressStyle) {
        self.total = total
        self.style = style
    }

    func update(done: Int, fresh: Int, accounting: RequestAccounting.Snapshot, cacheHits: Int, force: Bool = false) {
        guard style != .quiet else { return }
        let now = Date()
        guard force || now.timeIntervalSince(lastPrint) >= (interactive ? 0.5 : 5) else { return }
        lastPrint = now
        let elapsed = max(now.timeIntervalSince(start), 0.001)
        var line = "synth: \(done)/\(total) items, \(accounting.requests) requests (\(accounting.retries) retries), \(cacheHits) cached, "
        line += "\(accounting.promptTokens + accounting.completionTokens) tokens"
        if fresh > 0 {
            line += String(format: ", %.2f items/s", Double(fresh) / elapsed)
            let remaining = Double(total - done) / (Double(fresh) / elapsed)
            if done < total { line += ", ETA " + ProgressReporter.formatDuration(remaining) }
        }
        FileHandle.standardError.write(Data((interactive ? "\r\u{1B}[K" + line : line + "\n").utf8))
    }

    func finish() {
        if style != .quiet, interactive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
