import Foundation
import VernacularCore

/// Escaping for text placed in HTML or SVG, in element content and in quoted attributes.
public enum HTML {
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// A whole page in the reports' shared style: `title` (escaped here), the report CSS plus
    /// `extraCSS`, and `main` (already HTML) inside `<main>`.
    public static func page(title: String, extraCSS: String = "", main: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <style>\(ReportPage.css)\(extraCSS.isEmpty ? "" : "\n" + extraCSS)</style>
        </head>
        <body>
        <main>
        \(main)
        </main>
        </body>
        </html>

        """
    }
}

/// Writes the report of a run folder.
public enum RunReport {
    /// Where the page goes by default: inside the run folder.
    public static func defaultOutput(runFolder: String) -> String { runFolder + "/report.html" }

    /// Reads the folder, writes the page atomically and returns what was read.
    @discardableResult
    public static func write(runFolder: String, to output: String, options: RunFolder.Options = RunFolder.Options()) throws -> RunFolder {
        let run = try RunFolder.load(runFolder, options: options)
        let temporary = output + ".tmp"
        do {
            try Data(ReportPage(run: run).html().utf8).write(to: URL(fileURLWithPath: temporary))
            try FileSystem.rename(temporary, to: output)
        } catch let error as IOError {
            throw ReportError(path: output, message: error.message)
        } catch {
            throw ReportError(path: output, message: "cannot write the report: \(error.localizedDescription)")
        }
        return run
    }
}

/// The report page: one HTML file with its styles and charts inline and no script, so it opens
/// anywhere, offline, and can be mailed or attached to a ticket as it is.
public struct ReportPage {
    public let run: RunFolder

    public init(run: RunFolder) { self.run = run }

    static let keptColour = "#3b73b9"
    static let droppedColour = "#e08a3c"

    public func html() -> String {
        var body = header() + summary() + stageTable() + reasonTable() + histograms()
        if let fertility = run.fertility { body += fertilityTable(fertility) }
        body += samples() + problems()
        let footer = "<footer>Written by vern \(VernacularVersion.current) from \(HTML.escape(run.path)).</footer>"
        return HTML.page(title: "vern report: \(run.path)", main: body + "\n" + footer)
    }

    private func header() -> String {
        var facts: [String] = []
        if let manifest = run.manifest {
            facts.append("pipeline <code>\(HTML.escape(manifest.pipelineFile))</code>")
            if !manifest.finished.isEmpty { facts.append("finished \(HTML.escape(manifest.finished))") }
            facts.append("\(manifest.shards.count) shards, \(manifest.inputs.count) input files")
            facts.append("config \(HTML.escape(String(manifest.configHash.prefix(12))))")
        }
        return """
            <header><h1>Run report <span class="path">\(HTML.escape(run.path))</span></h1>
            <p class="facts">\(facts.joined(separator: " · "))</p></header>

            """
    }

    private func summary() -> String {
        let stats = run.stats
        func card(_ label: String, _ value: String, _ note: String = "") -> String {
            "<div class=\"card\"><div class=\"value\">\(value)</div><div class=\"label\">\(label)</div>"
                + (note.isEmpty ? "" : "<div class=\"note\">\(note)</div>") + "</div>"
        }
        return "<section class=\"cards\">"
            + card("documents read", Self.number(stats.documentsRead), Self.bytes(stats.bytesRead))
            + card("kept", Self.number(stats.documentsWritten), Self.percent(stats.documentsWritten, of: stats.documentsRead))
            + card("dropped", Self.number(stats.documentsDropped), Self.percent(stats.documentsDropped, of: stats.documentsRead))
            + card("bad records", Self.number(stats.badRecords), stats.badRecords > 0 ? "see quarantine/" : "")
            + "</section>\n"
    }

    private func stageTable() -> String {
        var rows = ""
        for (index, stage) in run.stats.stages.enumerated() {
            let dropped = stage.documentsIn - stage.documentsOut
            let counters = stage.counters.sorted { $0.key < $1.key }
                .map { "<span class=\"counter\">\(HTML.escape($0.key)) <b>\(Self.number($0.value))</b></span>" }
                .joined(separator: " ")
            rows += """
                <tr><td class="num">\(index + 1)</td><td><b>\(HTML.escape(stage.name))</b></td>\
                <td class="num">\(Self.number(stage.documentsIn))</td><td class="num">\(Self.number(stage.documentsOut))</td>\
                <td class="num">\(dropped > 0 ? Self.number(dropped) : "–")</td>\
                <td class="num">\(dropped > 0 ? Self.percent(dropped, of: stage.documentsIn) : "–")</td>\
                <td class="num">\(Self.bytes(stage.bytesIn - stage.bytesOut, signed: true))</td>\
                <td class="counters">\(counters.isEmpty ? "<span class=\"muted\">–</span>" : counters)</td></tr>

                """
        }
        return """
            <section><h2>Stages</h2>
            <table class="stages"><thead><tr><th class="num">#</th><th>stage</th><th class="num">in</th>\
            <th class="num">out</th><th class="num">dropped</th><th class="num">% of in</th>\
            <th class="num">bytes removed</th><th>counters</th></tr></thead>
            <tbody>
            \(rows)</tbody></table></section>

            """
    }

    private func reasonTable() -> String {
        var reasons: [(stage: String, reason: String, count: Int)] = []
        for stage in run.stats.stages {
            for (reason, count) in stage.dropped.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
                reasons.append((stage.name, reason, count))
            }
        }
        guard !reasons.isEmpty else {
            return "<section><h2>Drops by reason</h2><p class=\"muted\">No stage dropped a document.</p></section>\n"
        }
        let largest = reasons.map(\.count).max() ?? 1
        var rows = ""
        for item in reasons {
            let width = max(1, Int((Double(item.count) / Double(largest) * 100).rounded()))
            rows += """
                <tr><td>\(HTML.escape(item.stage))</td><td><code>\(HTML.escape(item.reason))</code></td>\
                <td class="num">\(Self.number(item.count))</td>\
                <td class="num">\(Self.percent(item.count, of: run.stats.documentsRead))</td>\
                <td class="barcell"><div class="bar" style="width:\(width)%"></div></td></tr>

                """
        }
        return """
            <section><h2>Drops by reason</h2>
            <table class="reasons"><thead><tr><th>stage</th><th>reason</th><th class="num">documents</th>\
            <th class="num">% of read</th><th></th></tr></thead>
            <tbody>
            \(rows)</tbody></table></section>

            """
    }

    private func histograms() -> String {
        let kept = run.kept, dropped = run.dropped
        var charts: [String] = []
        func chart(_ title: String, _ xLabel: String, _ edges: [Double], kept: [Double], dropped: [Double],
                   label: @escaping @Sendable (Double) -> String = { ChartNumber.short($0) }) -> String {
            let keptHistogram = Histogram(edges: edges, values: kept)
            let droppedHistogram = Histogram(edges: edges, values: dropped)
            var series = [HistogramChart.Series(name: "kept \(Self.number(kept.count))", counts: keptHistogram.counts,
                                                colour: Self.keptColour)]
            if run.hasDroppedFiles {
                series.append(.init(name: "dropped \(Self.number(dropped.count))", counts: droppedHistogram.counts,
                                    colour: Self.droppedColour))
            }
            var drawing = HistogramChart(title: title, xLabel: xLabel, edges: edges, series: series)
            drawing.edgeLabel = label
            let outside = keptHistogram.below + keptHistogram.above + droppedHistogram.below + droppedHistogram.above
            let note = outside > 0 ? "<figcaption>\(outside) documents outside the axis (zero or below).</figcaption>" : ""
            return "<figure>\(drawing.svg())\(note)</figure>"
        }
        charts.append(chart("Document length", "characters (bins on a 1-2-5 scale)",
                            Histogram.logEdges(covering: kept.lengths + dropped.lengths),
                            kept: kept.lengths, dropped: dropped.lengths))
        if !(kept.yueShares.isEmpty && dropped.yueShares.isEmpty) {
            charts.append(chart("Cantonese share (langid)", "share of Han characters in Cantonese sentences",
                                Histogram.linearEdges(from: 0, to: 1, bins: 20), kept: kept.yueShares,
                                dropped: dropped.yueShares))
        }
        if !(kept.perplexities.isEmpty && dropped.perplexities.isEmpty) {
            charts.append(chart("N-gram perplexity (perplexity stage)", "character perplexity (1-2-5 scale)",
                                Histogram.logEdges(covering: kept.perplexities + dropped.perplexities),
                                kept: kept.perplexities, dropped: dropped.perplexities))
        }
        var note = "Kept documents are counted as written; dropped ones as they left the pipeline, so a "
            + "histogram of a stage's field shows only documents that reached that stage."
        if !run.hasDroppedFiles {
            note = "This run did not keep its dropped documents (<code>keep_dropped: true</code> in the pipeline's "
                + "output section), so only kept documents are drawn."
        }
        return """
            <section><h2>Distributions</h2><p class="muted">\(note)</p>
            <div class="charts">\(charts.joined(separator: "\n"))</div></section>

            """
    }

    private func fertilityTable(_ rows: [FertilityRow]) -> String {
        // The lowest tokens per character of each set is marked: the tokenizer to beat there.
        var best: [String: Double] = [:]
        for row in rows where row.characters > 0 { best[row.set] = min(best[row.set] ?? .infinity, row.tokensPerCharacter) }
        var body = ""
        for row in rows {
            let isBest = row.characters > 0 && row.tokensPerCharacter == best[row.set]
            let name = row.tokenizer.split(separator: "/").suffix(2).joined(separator: "/")
            body += """
                <tr\(isBest ? " class=\"best\"" : "")><td title="\(HTML.escape(row.tokenizer))">\(HTML.escape(name))</td>\
                <td>\(HTML.escape(row.set))</td><td class="num">\(Self.number(row.characters))</td>\
                <td class="num">\(Self.number(row.tokens))</td>\
                <td class="num">\(String(format: "%.3f", row.tokensPerCharacter))</td>\
                <td class="num">\(String(format: "%.2f", row.bytesPerToken))</td></tr>

                """
        }
        return """
            <section><h2>Tokenizer fertility</h2>
            <p class="muted">From <code>fertility.json</code> (<code>vern tokenizer stats --json</code>); \
            the lowest tokens per character of each set is in bold.</p>
            <table class="fertility"><thead><tr><th>tokenizer</th><th>set</th><th class="num">characters</th>\
            <th class="num">tokens</th><th class="num">tokens/char</th><th class="num">bytes/token</th></tr></thead>
            <tbody>
            \(body)</tbody></table></section>

            """
    }

    private func samples() -> String {
        guard run.hasDroppedFiles else { return "" }
        guard !run.dropGroups.isEmpty else {
            return "<section><h2>Dropped documents</h2><p class=\"muted\">None.</p></section>\n"
        }
        var out = "<section><h2>Dropped documents</h2><p class=\"muted\">A random few of each reason, "
            + "the same on every report of this folder.</p>\n"
        for group in run.dropGroups {
            out += "<details open><summary><b>\(HTML.escape(group.stage))</b> · <code>\(HTML.escape(group.reason))</code>"
                + " <span class=\"muted\">\(Self.number(group.count)) documents, \(group.samples.count) shown</span></summary>\n"
            for sample in group.samples {
                let detail = sample.detail.map { " · <span class=\"detail\">\(HTML.escape($0))</span>" } ?? ""
                let cut = sample.truncatedCharacters > 0
                    ? "<span class=\"cut\">… \(Self.number(sample.truncatedCharacters)) more characters</span>" : ""
                out += """
                    <div class="sample"><div class="meta"><code>\(HTML.escape(sample.id))</code> · \
                    \(HTML.escape(sample.source))\(detail)</div><div class="text">\(HTML.escape(sample.text))</div>\(cut)</div>

                    """
            }
            out += "</details>\n"
        }
        return out + "</section>\n"
    }

    private func problems() -> String {
        guard !run.problems.isEmpty else { return "" }
        let listed = run.problems.prefix(20).map { "<li>\(HTML.escape($0))</li>" }.joined()
        let more = run.problems.count > 20 ? "<p>and \(run.problems.count - 20) more.</p>" : ""
        return "<section class=\"problems\"><h2>Could not read</h2><ul>\(listed)</ul>\(more)</section>\n"
    }

    // MARK: numbers

    static func number(_ value: Int) -> String {
        let digits = String(abs(value))
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return value < 0 ? "-" + out : out
    }

    static func percent(_ part: Int, of whole: Int) -> String {
        guard whole > 0 else { return "–" }
        let share = Double(part) / Double(whole) * 100
        return share > 0 && share < 0.1 ? "<0.1%" : String(format: "%.1f%%", share)
    }

    static func bytes(_ value: Int, signed: Bool = false) -> String {
        if signed, value == 0 { return "–" }
        let magnitude = Double(abs(value))
        let text: String
        let (gigabyte, megabyte, kilobyte) = (1_073_741_824.0, 1_048_576.0, 1024.0)
        if magnitude >= gigabyte { text = String(format: "%.1f GB", magnitude / gigabyte) }
        else if magnitude >= megabyte { text = String(format: "%.1f MB", magnitude / megabyte) }
        else if magnitude >= kilobyte { text = String(format: "%.1f kB", magnitude / kilobyte) }
        else { text = "\(Int(magnitude)) B" }
        return value < 0 ? "−" + text : text
    }

    public static let css = """
        :root { color-scheme: light; }
        body { margin: 0; background: #f5f6f8; color: #1f2430;
          font: 14px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK TC", "Noto Sans CJK SC",
          "WenQuanYi Zen Hei", "PingFang HK", "Microsoft JhengHei", sans-serif; }
        main { max-width: 1140px; margin: 0 auto; padding: 24px 28px 40px; }
        h1 { font-size: 22px; margin: 0 0 4px; }
        h1 .path { font-weight: 400; color: #5b6475; font-size: 18px; margin-left: 6px; }
        h2 { font-size: 16px; margin: 0 0 10px; }
        header .facts { margin: 0 0 18px; color: #5b6475; font-size: 13px; }
        code { font: 12.5px ui-monospace, "DejaVu Sans Mono", monospace; }
        section { background: #fff; border: 1px solid #e2e5ea; border-radius: 8px; padding: 16px 18px; margin: 0 0 16px; }
        .cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; background: none; border: 0; padding: 0; }
        .card { background: #fff; border: 1px solid #e2e5ea; border-radius: 8px; padding: 12px 16px; }
        .card .value { font-size: 24px; font-weight: 600; font-variant-numeric: tabular-nums; }
        .card .label { color: #5b6475; }
        .card .note { color: #8a92a3; font-size: 12px; }
        table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
        th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #edf0f3; vertical-align: top; }
        th { color: #5b6475; font-weight: 500; font-size: 12.5px; border-bottom: 1px solid #d5dae1; }
        td.num, th.num { text-align: right; white-space: nowrap; }
        tr.best td { font-weight: 600; }
        .counters { font-size: 12px; color: #5b6475; }
        .counter { display: inline-block; background: #f0f2f5; border-radius: 4px; padding: 0 6px; margin: 1px 2px; }
        .counter b { color: #1f2430; font-weight: 600; }
        .barcell { width: 38%; }
        .bar { height: 12px; margin-top: 4px; background: #e08a3c; border-radius: 2px; }
        .muted { color: #8a92a3; }
        .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(540px, 1fr)); gap: 8px 16px; }
        figure { margin: 0; }
        figcaption { color: #8a92a3; font-size: 12px; }
        svg.chart { max-width: 100%; height: auto; font-family: inherit; }
        svg .chart-title { font-size: 13.5px; font-weight: 600; fill: #1f2430; }
        svg .grid { stroke: #edf0f3; }
        svg .axis { stroke: #9aa2b1; }
        svg .tick, svg .legend { font-size: 11px; fill: #5b6475; }
        svg .count { font-size: 10px; fill: #1f2430; }
        svg .axis-title { font-size: 11.5px; fill: #5b6475; }
        details { border-top: 1px solid #edf0f3; padding: 8px 0; }
        summary { cursor: pointer; margin-bottom: 6px; }
        .sample { margin: 6px 0 10px 14px; border-left: 3px solid #e08a3c; padding: 2px 0 2px 10px; }
        .sample .meta { font-size: 12px; color: #5b6475; margin-bottom: 2px; overflow-wrap: anywhere; }
        .sample .detail { color: #b4581a; }
        .sample .text { white-space: pre-wrap; overflow-wrap: anywhere; max-height: 9em; overflow: hidden;  /* six whole lines */ }
        .cut { display: block; color: #8a92a3; font-size: 12px; }
        .problems { border-color: #f0c2c2; background: #fff8f8; }
        footer { color: #8a92a3; font-size: 12px; text-align: center; margin-top: 8px; }
        @media (max-width: 760px) { .cards { grid-template-columns: repeat(2, 1fr); } }
        """
}
