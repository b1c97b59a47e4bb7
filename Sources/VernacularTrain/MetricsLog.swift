import Foundation
import VernacularCore

/// One line of `RUN_DIR/metrics.jsonl`: a training step, with the held-out figures on the steps
/// that were evaluated.
public struct StepMetrics: Codable, Sendable, Equatable {
    public var step: Int
    public var loss: Double
    public var learningRate: Float
    public var gradientNorm: Float
    public var tokensPerSecond: Double
    public var tokensSeen: Int
    public var elapsedSeconds: Double
    public var peakResidentMB: Double
    public var evalLoss: Double?
    public var evalBitsPerChar: Double?

    enum CodingKeys: String, CodingKey {
        case step, loss
        case learningRate = "learning_rate", gradientNorm = "grad_norm", tokensPerSecond = "tokens_per_second"
        case tokensSeen = "tokens", elapsedSeconds = "elapsed_seconds", peakResidentMB = "peak_rss_mb"
        case evalLoss = "eval_loss", evalBitsPerChar = "eval_bits_per_char"
    }
}

/// Appends metrics lines; on resume, drops lines past the checkpoint so the file reads as one
/// uninterrupted run.
public struct MetricsLog {
    public static let fileName = "metrics.jsonl"
    let path: String

    public init(runDirectory: String, keepingThrough step: Int) throws {
        path = runDirectory + "/" + Self.fileName
        let kept = (try? Self.read(path: path))?.filter { $0.step <= step } ?? []
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var text = Data()
        for line in kept { text += try encoder.encode(line) + Data([0x0A]) }
        let temporary = path + ".tmp"
        try text.write(to: URL(fileURLWithPath: temporary))
        try FileSystem.rename(temporary, to: path)
    }

    public func append(_ metrics: StepMetrics) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let handle = FileHandle(forWritingAtPath: path) else { throw IOError(path: path, message: "cannot open for appending") }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: try encoder.encode(metrics) + Data([0x0A]))
    }

    public static func read(path: String) throws -> [StepMetrics] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONDecoder().decode(StepMetrics.self, from: Data($0.utf8)) }
    }
}

/// Peak resident memory of this process so far, in MiB.
public func peakResidentMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}
