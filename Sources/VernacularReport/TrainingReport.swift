import Foundation
import VernacularCore

/// The report of a `vern train` run folder: its settings, the loss curve, held-out bits per
/// character by step, speed and memory, on one self-contained page.
public struct TrainingReport {
    /// The fields of a metrics.jsonl line the page draws.
    struct Line: Decodable {
        let step: Int
        let loss: Double
        let learning_rate: Double
        let tokens_per_second: Double
        let peak_rss_mb: Double
        let eval_loss: Double?
        let eval_bits_per_char: Double?
    }

    public let path: String
    let lines: [Line]
    /// run.json as written, shown as the run's settings.
    let settings: String
    /// An evaluation folder's results page linked from the report, when there is one.
    let evaluationLink: String?

    public static func isTrainingRun(_ folder: String) -> Bool {
        FileSystem.exists(folder + "/run.json") && FileSystem.exists(folder + "/metrics.jsonl")
    }

    public init(runFolder: String) throws {
        path = runFolder
        let text: String
        do { text = try String(contentsOfFile: runFolder + "/metrics.jsonl", encoding: .utf8) } catch {
            throw ReportError(path: runFolder + "/metrics.jsonl", message: "cannot read: \(error.localizedDescription)")
        }
        lines = try text.split(separator: "\n").enumerated().map { index, line in
            do { return try JSONDecoder().decode(Line.self, from: Data(line.utf8)) } catch {
                throw ReportError(path: runFolder + "/metrics.jsonl", message: "line \(index + 1): \(error)")
            }
        }
        settings = (try? String(contentsOfFile: runFolder + "/run.json", encoding: .utf8)) ?? ""
        let eval = ["eval/report.html", "eval-report.html"].first { FileSystem.exists(runFolder + "/" + $0) }
        evaluationLink = eval
    }

    public func html() -> String {
        let loss = LineChart(title: "Training loss", xLabel: "step", yLabel: "loss (nats per token)",
                             series: [.init(name: "training loss", points: lines.map { (Double($0.step), $0.loss) }, colour: "#3b73b9")])
        let evalPoints = lines.compactMap { line in line.eval_bits_per_char.map { (Double(line.step), $0) } }
        let bits = LineChart(title: "Held-out bits per character", xLabel: "step", yLabel: "bits per character",
                             series: [.init(name: "held-out", points: evalPoints, colour: "#e08a3c")])
        let speed = lines.dropFirst().map(\.tokens_per_second)
        let medianSpeed = speed.isEmpty ? lines.first?.tokens_per_second ?? 0 : speed.sorted()[speed.count / 2]
        var cards = "<section class=\"cards\">"
        func card(_ label: String, _ value: String) { cards += "<div class=\"card\"><div class=\"value\">\(value)</div><div class=\"label\">\(label)</div></div>" }
        card("steps", "\(lines.last?.step ?? 0)")
        card("final loss", lines.last.map { String(format: "%.3f", $0.loss) } ?? "–")
        if let first = evalPoints.first, let last = evalPoints.last {
            card("held-out bits/char", String(format: "%.3f → %.3f", first.1, last.1))
        }
        card("tokens/s (median)", String(format: "%.0f", medianSpeed))
        card("peak memory", String(format: "%.0f MiB", lines.map(\.peak_rss_mb).max() ?? 0))
        cards += "</section>"
        let link = evaluationLink.map { "<p>Evaluation: <a href=\"\(HTML.escape($0))\">\(HTML.escape($0))</a></p>" } ?? ""
        return HTML.page(title: "vern report: \(path)", main: """
            <header><h1>Training report <span class="path">\(HTML.escape(path))</span></h1></header>
            \(cards)
            <section class="charts">\(loss.svg())\(evalPoints.isEmpty ? "" : bits.svg())</section>
            \(link)
            <h2>Settings (run.json)</h2>
            <pre>\(HTML.escape(settings))</pre>
            <footer>Written by vern \(VernacularVersion.current) from \(HTML.escape(path)).</footer>
            """)
    }

    /// Writes the page atomically.
    public func write(to output: String) throws {
        let temporary = output + ".tmp"
        do {
            try Data(html().utf8).write(to: URL(fileURLWithPath: temporary))
            try FileSystem.rename(temporary, to: output)
        } catch {
            throw ReportError(path: output, message: "cannot write the report: \(error)")
        }
    }
}
