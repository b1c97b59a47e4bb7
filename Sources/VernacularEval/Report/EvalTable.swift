import Foundation

/// The plain-text table `vern eval` prints: one line per task and model with its main figures.
public enum EvalTable {
    public static func render(_ results: EvalResults) -> String {
        let rows = results.tasks.map { result -> [String] in
            let names = EvalReportPage.metricNames([result]).filter { !["tokens", "chars"].contains($0) }
            let figures = names.prefix(4).map { "\($0) \(EvalReportPage.format($0, result.metrics[$0] ?? 0))" }
            return [result.task, result.model, String(result.items), figures.joined(separator: "  ")]
        }
        let header = ["task", "model", "items", "figures"]
        let widths = (0..<3).map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ row: [String]) -> String {
            (0..<3).map { row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ") + "  " + row[3]
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }
}
