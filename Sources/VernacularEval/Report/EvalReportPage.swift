import Foundation
import VernacularCore
import VernacularReport

/// report.html: for each task the models side by side (per subject for multiple choice), bar
/// charts as inline SVG, and a few items each model got wrong. One self-contained page, no
/// script; every text from the data is escaped.
public struct EvalReportPage {
    public let results: EvalResults
    public let records: [ItemRecord]
    /// Wrong items shown per model and task.
    public var wrongPerModel = 3

    public init(results: EvalResults, records: [ItemRecord]) {
        self.results = results
        self.records = records
    }

    public func html() -> String {
        let models = results.models.map(\.name)
        var body = "<header><h1>Evaluation</h1><p class=\"facts\">\(HTML.escape(models.joined(separator: " · "))) · "
            + "\(results.settings.limit.map { "first \($0) items per task · " } ?? "")written by vern \(HTML.escape(results.version)) at \(HTML.escape(results.created))</p></header>"
        var taskNames: [String] = []
        for result in results.tasks where !taskNames.contains(result.task) { taskNames.append(result.task) }
        for name in taskNames {
            let byModel = results.tasks.filter { $0.task == name }
            guard let first = byModel.first else { continue }
            body += "<section><h2>\(HTML.escape(name)) <span class=\"muted\">\(HTML.escape(first.kind.rawValue)) · \(first.items) items · \(first.shots) shots</span></h2>"
            body += "<p class=\"muted\">\(HTML.escape(first.method))</p>"
            body += metricTable(byModel)
            body += charts(byModel, kind: first.kind)
            if !first.subjects.isEmpty { body += subjectTable(byModel) }
            body += wrongItems(name)
            if !first.problems.isEmpty {
                body += "<details><summary>\(first.problems.count) item(s) not scored (defects in the files)</summary><ul>"
                body += first.problems.map { "<li>\(HTML.escape($0.description))</li>" }.joined() + "</ul></details>"
            }
            body += "</section>"
        }
        return HTML.page(
            title: "vern eval: \(models.joined(separator: ", "))",
            extraCSS: ".prompt { white-space: pre-wrap; font-size: 12.5px; background: #f7f8fa; padding: 6px 8px; border-radius: 4px; }",
            main: body + "\n<footer>Written by vern \(HTML.escape(results.version)).</footer>")
    }

    static func metricNames(_ results: [TaskResult]) -> [String] {
        let preferred = ["acc", "acc_norm", "acc_macro", "exact_match", "chrf", "bleu", "bits_per_char", "bits_per_byte",
                         "token_perplexity", "share_yue", "share_zh", "share_en", "share_mixed", "share_other",
                         "kept_all_share", "term_kept_rate"]
        let present = Set(results.flatMap { $0.metrics.keys })
        return preferred.filter(present.contains) + present.subtracting(preferred).sorted()
    }

    static func format(_ name: String, _ value: Double) -> String {
        if name.hasPrefix("acc") || name.hasPrefix("share") || name == "exact_match" || name.hasSuffix("_share") || name.hasSuffix("_rate") {
            return String(format: "%.1f%%", value * 100)
        }
        return value >= 1000 ? String(format: "%.0f", value) : String(format: "%.3f", value)
    }

    func metricTable(_ byModel: [TaskResult]) -> String {
        let names = Self.metricNames(byModel)
        var html = "<table><tr><th>model</th>" + names.map { "<th class=\"num\">\(HTML.escape($0))</th>" }.joined()
            + "<th class=\"num\">scored now</th><th class=\"num\">seconds</th></tr>"
        for result in byModel {
            html += "<tr><td>\(HTML.escape(result.model))</td>"
            html += names.map { name in "<td class=\"num\">\(result.metrics[name].map { Self.format(name, $0) } ?? "–")</td>" }.joined()
            html += "<td class=\"num\">\(result.scoredNow)</td><td class=\"num\">\(String(format: "%.1f", result.seconds))</td></tr>"
        }
        return html + "</table>"
    }

    func charts(_ byModel: [TaskResult], kind: TaskKind) -> String {
        let models = byModel.map(\.model)
        var chart: BarChart
        if let subjects = byModel.first?.subjects, !subjects.isEmpty {
            let rows = subjects.map(\.subject) + ["all (size-weighted)"]
            let values = rows.map { row in
                byModel.map { result -> Double? in
                    row == "all (size-weighted)" ? result.metrics["acc"] : result.subjects.first { $0.subject == row }?.acc
                }
            }
            chart = BarChart(title: "Accuracy by subject", rows: rows, series: models, values: values, maximum: 1,
                             format: { String(format: "%.1f%%", $0 * 100) })
        } else {
            let names = Self.metricNames(byModel).filter { !["tokens", "chars", "token_perplexity"].contains($0) }
            guard !names.isEmpty else { return "" }
            let values = names.map { name in byModel.map { $0.metrics[name] } }
            let maximum = values.flatMap { $0.compactMap { $0 } }.max() ?? 1
            let isShare = names.allSatisfy { Self.format($0, 0.5).hasSuffix("%") }
            chart = BarChart(title: "Figures", rows: names, series: models, values: values,
                             maximum: isShare ? 1 : max(maximum, 1e-9),
                             format: { isShare ? String(format: "%.1f%%", $0 * 100) : String(format: "%.3f", $0) })
        }
        return "<figure>\(chart.svg())</figure>"
    }

    func subjectTable(_ byModel: [TaskResult]) -> String {
        guard let subjects = byModel.first?.subjects else { return "" }
        var html = "<details><summary>Per subject</summary><table><tr><th>subject</th><th class=\"num\">items</th>"
            + byModel.map { "<th class=\"num\">\(HTML.escape($0.model)) acc</th><th class=\"num\">acc_norm</th>" }.joined() + "</tr>"
        for subject in subjects {
            html += "<tr><td>\(HTML.escape(subject.subject))</td><td class=\"num\">\(subject.items)</td>"
            for result in byModel {
                let row = result.subjects.first { $0.subject == subject.subject }
                html += "<td class=\"num\">\(row.map { Self.format("acc", $0.acc) } ?? "–")</td><td class=\"num\">\(row.map { Self.format("acc", $0.accNorm) } ?? "–")</td>"
            }
            html += "</tr>"
        }
        return html + "</table></details>"
    }

    func wrongItems(_ task: String) -> String {
        var html = ""
        for model in results.models.map(\.name) {
            let wrong = records.filter { $0.task == task && $0.model == model && $0.correct == false }.prefix(wrongPerModel)
            guard !wrong.isEmpty else { continue }
            html += "<details><summary>Items \(HTML.escape(model)) got wrong (first \(wrong.count))</summary>"
            for record in wrong {
                // The end of the prompt: the item itself rather than the shots before it.
                let prompt = String(record.prompt.suffix(400))
                html += "<p><b>\(HTML.escape(record.id))</b></p><div class=\"prompt\">\(HTML.escape(prompt))</div>"
                if let prediction = record.prediction, let gold = record.gold, let choices = record.choices {
                    html += "<p>answered \(HTML.escape(letter(prediction, choices))), right: \(HTML.escape(letter(gold, choices)))</p>"
                } else if let output = record.output {
                    html += "<p>answer:</p><div class=\"prompt\">\(HTML.escape(String(output.prefix(400))))</div>"
                    if let reference = record.reference { html += "<p class=\"muted\">reference: \(HTML.escape(String(reference.prefix(300))))</p>" }
                }
            }
            html += "</details>"
        }
        return html
    }

    func letter(_ index: Int, _ choices: [String]) -> String {
        let letter = index < ChoiceLetter.letters.count ? ChoiceLetter.letters[index] : String(index)
        return index < choices.count ? "\(letter). \(choices[index])" : letter
    }
}
