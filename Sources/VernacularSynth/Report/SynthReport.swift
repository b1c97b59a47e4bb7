import Foundation
import VernacularCore
import VernacularReport

/// The page `vern report` writes for a `vern synth` job folder: what was kept and rejected and
/// why, what it cost, and examples of each (with the source text beside a translation).
public struct SynthReport {
    public let folder: String
    public let stats: SynthStats
    /// How many examples per reason, and how much of each is shown.
    public var samplesPerReason = 3
    public var sampleCharacters = 400

    public static func isSynthJob(_ folder: String) -> Bool { SynthStats.read(folder: folder) != nil }

    public init(folder: String) throws {
        guard let stats = SynthStats.read(folder: folder) else {
            throw IOError(path: folder + "/stats.json", message: "not the stats.json of a vern synth job")
        }
        self.folder = folder
        self.stats = stats
    }

    public func write(to path: String) throws {
        let temporary = path + ".tmp"
        try Data(html().utf8).write(to: URL(fileURLWithPath: temporary))
        try FileSystem.rename(temporary, to: path)
    }

    public func html() -> String {
        let rejectedTotal = stats.rejected.values.reduce(0, +)
        var cards = "<section class=\"cards\">"
        func card(_ label: String, _ value: String) {
            cards += "<div class=\"card\"><div class=\"value\">\(HTML.escape(value))</div><div class=\"label\">\(HTML.escape(label))</div></div>"
        }
        card("items", "\(stats.items)")
        card("kept", "\(stats.kept)")
        card("rejected", "\(rejectedTotal)")
        card("unfinished items", "\(stats.itemsUnfinished)")
        cards += "</section>"

        var reasons = "<table><tr><th>reason</th><th class=\"num\">outputs</th></tr>"
        for (reason, count) in stats.rejected.sorted(by: { $0.value > $1.value }) {
            reasons += "<tr><td><code>\(HTML.escape(reason))</code></td><td class=\"num\">\(count)</td></tr>"
        }
        reasons += "</table>"

        let run = stats.lastRun
        var accounting = "<table><tr><th></th><th class=\"num\">whole job</th><th class=\"num\">last run</th></tr>"
        accounting += row("prompt tokens", "\(stats.promptTokens)", "\(run.promptTokens)")
        accounting += row("completion tokens", "\(stats.completionTokens)", "\(run.completionTokens)")
        accounting += row("requests sent", "", "\(run.requests)")
        accounting += row("retries", "", "\(run.retries)")
        accounting += row("answers from the cache", "", "\(run.cacheHits)")
        accounting += row("seconds", "", String(format: "%.1f", run.seconds))
        if let cost = stats.estimatedCostUSD {
            accounting += row("estimated cost (USD)", String(format: "%.4f", cost), String(format: "%.4f", run.estimatedCostUSD ?? 0))
        }
        for (kind, count) in run.errors.sorted(by: { $0.key < $1.key }) { accounting += row("errors: \(kind)", "", "\(count)") }
        accounting += "</table>"

        let main = """
            <header><h1>Synthesis report <span class="path">\(HTML.escape(folder))</span></h1>
            <p class="facts">task <code>\(HTML.escape(stats.task))</code> · model <code>\(HTML.escape(stats.model))</code> · \
            template <code>\(HTML.escape(stats.template))</code> · endpoint <code>\(HTML.escape(stats.endpoint))</code> · \
            \(stats.shardsFinished)/\(stats.shards) shards finished</p></header>
            \(cards)
            <section><h2>Rejected, by reason</h2>\(rejectedTotal == 0 ? "<p class=\"muted\">none</p>" : reasons)</section>
            <section><h2>Requests and tokens</h2>\(accounting)</section>
            <section><h2>Kept examples</h2>\(samples(in: "documents", reason: nil))</section>
            \(stats.rejected.keys.sorted().map { "<section><h2>Rejected: <code>\(HTML.escape($0))</code></h2>\(samples(in: "rejected", reason: $0))</section>" }.joined())
            """
        return HTML.page(title: "Synthesis report: \(folder)", main: main)
    }

    private func row(_ label: String, _ job: String, _ run: String) -> String {
        "<tr><td>\(HTML.escape(label))</td><td class=\"num\">\(job)</td><td class=\"num\">\(run)</td></tr>"
    }

    /// The first few records of the shards in `sub` (with `reason`, for rejected ones).
    private func samples(in sub: String, reason: String?) -> String {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder + "/" + sub)) ?? [])
            .filter { $0.hasPrefix("shard-") && !$0.hasSuffix(".tmp") }.sorted()
        var html = ""
        var shown = 0
        for name in names where shown < samplesPerReason {
            guard let source = try? FileByteSource.open(path: folder + "/" + sub + "/" + name) else { continue }
            let reader = LineReader(source: source, path: name)
            while shown < samplesPerReason, let line = try? reader.nextLine({ String(decoding: $0, as: UTF8.self) }) {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
                let meta = object["meta"] as? [String: Any] ?? [:]
                let rejected = meta["rejected"] as? [String: Any]
                if let reason, rejected?["reason"] as? String != reason { continue }
                let synth = meta["synth"] as? [String: Any] ?? [:]
                var text = object["text"] as? String ?? ""
                if let messages = object["messages"] as? [[String: Any]] {
                    text = messages.map { "\($0["role"] ?? ""): \($0["content"] ?? "")" }.joined(separator: "\n")
                }
                var block = "<div class=\"sample\"><div class=\"meta\"><code>\(HTML.escape(object["id"] as? String ?? ""))</code>"
                if let detail = rejected?["detail"] as? String { block += " · <span class=\"detail\">\(HTML.escape(detail))</span>" }
                block += "</div>"
                if let original = synth["source_text"] as? String {
                    block += "<p class=\"muted\">\(HTML.escape(String(original.prefix(sampleCharacters))))</p>"
                }
                if let persona = synth["persona"] as? String {
                    block += "<p class=\"muted\">\(HTML.escape(persona)) · \(HTML.escape(synth["topic"] as? String ?? "")) · \(HTML.escape(synth["kind"] as? String ?? ""))</p>"
                }
                block += "<pre>\(HTML.escape(String(text.prefix(sampleCharacters))))</pre></div>"
                html += block
                shown += 1
            }
        }
        return html.isEmpty ? "<p class=\"muted\">none</p>" : html
    }
}
