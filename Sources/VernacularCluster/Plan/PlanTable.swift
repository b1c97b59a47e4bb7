import Foundation

/// The plan as text: a header with the model and speed, one line per setting, and the notes.
public enum PlanTable {
    public static func render(_ plan: Plan, config: TrainingConfig) -> String {
        let c = config.cluster, s = config.shape
        var lines: [String] = []
        lines.append("\(config.name): \(String(format: "%.3g", plan.parameterCount / 1e9))B parameters (\(s.layers) layers, hidden \(s.hidden), " +
                     "\(s.heads) heads, \(s.kvHeads) kv heads, ffn \(s.ffn), vocab \(s.vocab)) on \(c.nodes) × \(c.devicesPerNode) \(c.device.rawValue) " +
                     "(\(c.deviceMemoryGiB.formatted) GiB each, \(GB(plan.usableBytes)) usable)")
        let days = plan.throughput.days
        let duration = days >= 2 ? String(format: "%.1f days", days) : String(format: "%.1f hours", days * 24)
        lines.append(String(format: "speed at %.0f%% MFU: %.0f tokens/s (%.0f per device); %.3g tokens (%d steps × %d × %d) take %@",
                            plan.mfu * 100, plan.throughput.tokensPerSecond, plan.throughput.tokensPerSecond / Double(c.deviceCount),
                            plan.totalTokens, config.training.steps, config.training.globalBatch, config.training.seqLen,
                            duration))
        lines.append("")
        let header = ["tp", "dp", "zero", "accum", "params", "grads", "optim", "activ", "total", "fits", "reason"]
        var table: [[String]] = [header]
        for row in plan.rows {
            table.append([String(row.tensorParallel), String(row.dataParallel), String(row.zeroStage), String(row.gradientAccumulation),
                          GB(row.bytes.parameters), GB(row.bytes.gradients), GB(row.bytes.optimizer), GB(row.bytes.activations),
                          GB(row.bytes.total), row.fits ? "yes" : "no", row.reason])
        }
        let widths = (0..<header.count - 1).map { column in table.map { $0[column].count }.max() ?? 0 }
        for row in table {
            var line = ""
            for (column, cell) in row.enumerated() {
                if column == row.count - 1 { line += cell; break }
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                line += (column < 4 ? pad + cell : pad + cell) + "  "
            }
            lines.append(line)
        }
        lines.append("")
        let activations = ActivationMemory(shape: s, seqLen: config.training.seqLen, microBatch: config.training.microBatch)
        let degrees = Array(Set(plan.rows.map(\.tensorParallel))).sorted()
        lines.append("activations per layer (s=\(config.training.seqLen), b=\(config.training.microBatch)), paper formula / adjusted:")
        for t in degrees {
            let cells = ActivationVariant.allCases.map { variant in
                "\(variant.rawValue) \(GB(activations.paper(variant, tensorParallel: t))) / \(GB(activations.adjusted(variant, tensorParallel: t)))"
            }
            lines.append("  t=\(t): " + cells.joined(separator: ", "))
        }
        lines.append("")
        for note in plan.notes { lines.append("note: " + note) }
        return lines.joined(separator: "\n") + "\n"
    }
}
