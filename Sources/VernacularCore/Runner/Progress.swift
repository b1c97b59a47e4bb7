import Foundation
import Synchronization

/// How a long run shows it is alive.
public enum ProgressStyle: Sendable {
    /// A live line on a terminal, a log line every few seconds otherwise.
    case automatic
    case quiet
}

/// Thread-safe progress counters with a reporter thread that prints them to standard error.
public final class ProgressReporter: ShardProgressSink, @unchecked Sendable {
    // @unchecked: all mutable state is inside the Mutex or Atomics below.
    private struct Totals {
        var documents = 0
        var rawBytes = 0
        var shardsDone = 0
    }

    private let totals = Mutex(Totals())
    private let cancelled = Atomic<Bool>(false)
    private let stopped = Atomic<Bool>(false)
    private let label: String
    private let totalShards: Int
    private let totalBytes: Int
    private let style: ProgressStyle
    private let start = Date()
    private var thread: Thread?
    private let finishedSignal = DispatchSemaphore(value: 0)

    public init(label: String, totalShards: Int, totalBytes: Int, style: ProgressStyle) {
        self.label = label
        self.totalShards = totalShards
        self.totalBytes = totalBytes
        self.style = style
    }

    public var isCancelled: Bool { cancelled.load(ordering: .relaxed) }
    public func cancel() { cancelled.store(true, ordering: .relaxed) }

    public func advance(documents: Int, rawBytes: Int) {
        totals.withLock {
            $0.documents += documents
            $0.rawBytes += rawBytes
        }
    }

    public func shardFinished() { totals.withLock { $0.shardsDone += 1 } }

    public func startReporting() {
        guard style != .quiet else { return }
        let interactive = isatty(STDERR_FILENO) == 1
        let interval: TimeInterval = interactive ? 0.5 : 5
        let thread = Thread { [self] in
            while !stopped.load(ordering: .relaxed) {
                if finishedSignal.wait(timeout: .now() + interval) == .success { break }
                let line = statusLine()
                FileHandle.standardError.write(Data((interactive ? "\r\u{1B}[K" + line : line + "\n").utf8))
            }
            if interactive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        }
        self.thread = thread
        thread.start()
    }

    public func stopReporting() {
        stopped.store(true, ordering: .relaxed)
        finishedSignal.signal()
    }

    func statusLine() -> String {
        let snapshot = totals.withLock { $0 }
        let elapsed = max(Date().timeIntervalSince(start), 0.001)
        let documentsPerSecond = Double(snapshot.documents) / elapsed
        let megabytesPerSecond = Double(snapshot.rawBytes) / elapsed / 1e6
        var line = "\(label): shard \(snapshot.shardsDone)/\(totalShards), \(snapshot.documents) docs, "
        line += String(format: "%.0f docs/s, %.1f MB/s", documentsPerSecond, megabytesPerSecond)
        if snapshot.rawBytes > 0, totalBytes > snapshot.rawBytes {
            let remaining = Double(totalBytes - snapshot.rawBytes) / (Double(snapshot.rawBytes) / elapsed)
            line += ", ETA " + Self.formatDuration(remaining)
        }
        return line
    }

    public static func formatDuration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        return whole >= 3600
            ? String(format: "%d:%02d:%02d", whole / 3600, whole / 60 % 60, whole % 60)
            : String(format: "%d:%02d", whole / 60, whole % 60)
    }
}
