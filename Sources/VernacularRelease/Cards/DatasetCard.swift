import Foundation
import VernacularCore
import VernacularQuality
import Yams

/// The YAML front matter of a dataset card, in the fields and spelling the Hub reads.
struct DatasetCardMetadata: Encodable {
    struct DataFiles: Encodable {
        var split: String
        var path: String
    }
    struct Config: Encodable {
        var config_name: String
        var data_files: [DataFiles]
    }
    struct Feature: Encodable {
        var name: String
        var dtype: String
    }
    struct SplitInfo: Encodable {
        var name: String
        var num_bytes: Int
        var num_examples: Int
    }
    struct Info: Encodable {
        var features: [Feature]
        var splits: [SplitInfo]
    }

    var license: String
    var language: [String]
    var pretty_name: String
    var size_categories: [String]
    var task_categories: [String]
    var task_ids: [String]
    var tags: [String]
    var configs: [Config]
    var dataset_info: Info
}

/// Renders README.md for a released dataset from the run's own records: every count comes from
/// stats.json, the ingest reports, removed.jsonl or the shards just written.
public enum DatasetCard {
    public static func render(_ facts: DatasetFacts) throws -> String {
        var card = try Markdown.frontMatter(metadata(facts))
        card += "\n# \(facts.options.name)\n\n"
        card += summary(facts) + "\n"
        card += "## Loading\n\n" + loading(facts) + "\n"
        card += "## Splits\n\n" + splits(facts) + "\n"
        card += "## Fields\n\n" + fields() + "\n"
        card += "## Sources and licences\n\n" + sources(facts) + "\n"
        card += "## Pipeline\n\n" + pipeline(facts) + "\n"
        card += "## Documents per stage\n\n" + perStage(facts) + "\n"
        card += "## Deduplication\n\n" + deduplication(facts) + "\n"
        card += "## Personal information\n\n" + personalInformation(facts) + "\n"
        card += "## Decontamination\n\n" + decontamination(facts) + "\n"
        card += "## Known limitations\n\n" + limitations(facts)
        return card
    }

    static func metadata(_ facts: DatasetFacts) -> DatasetCardMetadata {
        let files = facts.splits.map { split in
            DatasetCardMetadata.DataFiles(split: split.name, path: "data/\(split.name)-*.\(facts.options.format.fileExtension)")
        }
        return DatasetCardMetadata(
            license: facts.options.licence.id, language: [facts.options.language], pretty_name: facts.options.name,
            size_categories: [sizeCategory(facts.documents)], task_categories: ["text-generation"],
            task_ids: ["language-modeling"], tags: ["vernacular", "cantonese", "pretraining"],
            configs: [.init(config_name: "default", data_files: files)],
            dataset_info: .init(features: DatasetRow.columns.map { .init(name: $0, dtype: "string") },
                                splits: facts.splits.map { .init(name: $0.name, num_bytes: $0.arrowBytes, num_examples: $0.documents) }))
    }

    /// The Hub's size buckets (`n<1K`, `1K<n<10K`, ...).
    static func sizeCategory(_ count: Int) -> String {
        let buckets: [(Int, String)] = [(1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
                                        (1_000_000, "100K<n<1M"), (10_000_000, "1M<n<10M"), (100_000_000, "10M<n<100M"),
                                        (1_000_000_000, "100M<n<1B")]
        return buckets.first { count < $0.0 }?.1 ?? "1B<n<10B"
    }

    static func summary(_ facts: DatasetFacts) -> String {
        let characters = facts.splits.reduce(0) { $0 + $1.characters }
        var text = "\(Markdown.count(facts.documents)) documents (\(Markdown.count(characters)) characters) from "
        text += "\(facts.sources.count) source(s), the documents that the pipeline `\(facts.run.manifest.pipelineFile)` kept"
        text += facts.dedup == nil ? "" : " and that near-duplicate removal left"
        text += ". Written by `vern release dataset` (\(facts.options.version.label)) from the run folder "
        text += "`\(facts.run.path)`, finished \(facts.run.manifest.finished).\n"
        if !facts.licenceProblems.isEmpty {
            text += "\n> **Licence conflicts were overridden** (`--allow-licence-conflicts`): see Sources and licences before using this data.\n"
        }
        return text
    }

    static func loading(_ facts: DatasetFacts) -> String {
        var text = Markdown.code("from datasets import load_dataset\n\ndataset = load_dataset(\"PATH_OR_REPO_ID\")\nprint(dataset[\"train\"][0][\"text\"])", language: "python")
        switch facts.options.format {
        case .jsonlZstd: text += "\nThe shards are zstd-compressed JSON Lines: `datasets` reads them only with `pip install zstandard`.\n"
        case .jsonlGzip: text += "\nThe shards are gzip-compressed JSON Lines, which `datasets` reads with no extra package.\n"
        case .jsonl: text += "\nThe shards are plain JSON Lines.\n"
        }
        return text
    }

    static func splits(_ facts: DatasetFacts) -> String {
        let weights = facts.options.splits
        var text = "Each document goes to a split by a hash of its id alone (weights \(weights.train)/\(weights.valid)/\(weights.test), "
        text += "the hash `vern pack` uses), so the same document is in the same split on every run.\n\n"
        text += Markdown.table(["split", "documents", "characters", "files"], facts.splits.map {
            [$0.name, Markdown.count($0.documents), Markdown.count($0.characters), $0.files.map { "`\($0)`" }.joined(separator: ", ")]
        })
        let empty = ["train", "validation", "test"].filter { name in !facts.splits.contains { $0.name == name } }
        if !empty.isEmpty {
            text += "\nNo document fell into \(empty.joined(separator: ", ")), so the card declares no such split.\n"
        }
        return text
    }

    static func fields() -> String {
        Markdown.table(["field", "type", "what it holds"], [
            ["id", "string", "the document's id, stable from ingest on"],
            ["text", "string", "the text after every pipeline stage"],
            ["source", "string", "the file, dump or corpus the document was read from"],
            ["license", "string", "the licence of its source, as recorded (null when none was)"],
            ["meta", "string", "JSON object: what the source carried (titles, speakers, dates) and what stages added (language and score, perplexity bucket, duplicate cluster size)"],
        ])
    }

    static func sources(_ facts: DatasetFacts) -> String {
        var text = Markdown.table(["source", "licence", "licence recorded in", "documents ingested", "read by the run", "released"],
                                  facts.sources.map { source in
            [source.name, source.licence.map { written in Licence(written).map { $0.id == written ? written : "\(written) (\($0.id))" } ?? written } ?? "none recorded", source.licenceOrigin?.rawValue ?? "-",
             source.documentsIngested.map(Markdown.count) ?? "-", Markdown.count(source.documentsRead),
             Markdown.count(source.documentsReleased)]
        })
        let commands = facts.sources.compactMap { source in source.ingestCommand.map { (source.name, $0) } }
        if !commands.isEmpty {
            text += "\nHow the sources were read (the commands ingest-report.json records):\n\n"
            text += commands.map { "- \($0.0): `\(ReproduceCommands.shellLine($0.1))`\n" }.joined()
        }
        text += "\nThe release is licensed \(facts.options.licence.id); each row's `license` field names its source's licence.\n"
        if !facts.licenceProblems.isEmpty {
            text += "\nConflicts found by the licence check and overridden:\n\n"
            text += facts.licenceProblems.map { "- \($0)\n" }.joined()
        } else {
            text += "The licence check found every source's licence compatible with \(facts.options.licence.id).\n"
        }
        return text
    }

    static func pipeline(_ facts: DatasetFacts) -> String {
        var text = "The stages in order, with the settings the run used (from `\(facts.run.manifest.pipelineFile)`):\n\n"
        for (index, stage) in facts.run.pipeline.stages.enumerated() {
            text += "\(index + 1). `\(stage.name)`"
            if let options = stage.options, let yaml = try? Yams.serialize(node: options, allowUnicode: true) {
                text += "\n\n" + Markdown.code(yaml, language: "yaml").split(separator: "\n", omittingEmptySubsequences: false)
                    .map { $0.isEmpty ? "" : "   " + $0 }.joined(separator: "\n")
            } else {
                text += " (default settings)\n"
            }
        }
        return text
    }

    static func perStage(_ facts: DatasetFacts) -> String {
        let stats = facts.run.stats
        var text = "From the run's stats.json: \(Markdown.count(stats.documentsRead)) documents read, "
        text += "\(Markdown.count(stats.documentsWritten)) kept, \(Markdown.count(stats.documentsDropped)) dropped, "
        text += "\(Markdown.count(stats.badRecords)) bad records.\n\n"
        text += Markdown.table(["stage", "documents in", "documents out", "dropped", "drop reasons"], stats.stages.map { stage in
            let dropped = stage.documentsIn - stage.documentsOut
            let reasons = stage.dropped.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .map { "\($0.key): \(Markdown.count($0.value))" }.joined(separator: ", ")
            return [stage.name, Markdown.count(stage.documentsIn), Markdown.count(stage.documentsOut), Markdown.count(dropped),
                    reasons.isEmpty ? "-" : reasons]
        })
        let counted = stats.stages.filter { !$0.counters.isEmpty }
        if !counted.isEmpty {
            text += "\nStage counters:\n\n"
            for stage in counted {
                let counters = stage.counters.sorted { $0.key < $1.key }.map { "\($0.key) \(Markdown.count($0.value))" }
                text += "- `\(stage.name)`: " + counters.joined(separator: ", ") + "\n"
            }
        }
        return text
    }

    static func deduplication(_ facts: DatasetFacts) -> String {
        guard let dedup = facts.dedup else {
            return "No deduplication ran after the pipeline: the documents are released as the run kept them.\n"
        }
        var text = "`vern dedup` (folder `\(dedup.path)`) removed \(Markdown.count(dedup.removed)) of the run's "
        text += "\(Markdown.count(facts.run.stats.documentsWritten)) documents as duplicates of \(Markdown.count(dedup.clusters)) kept ones"
        let stages = dedup.removedByStage.sorted { $0.key < $1.key }.map { "\($0.key) \(Markdown.count($0.value))" }
        text += stages.isEmpty ? ".\n" : " (by stage: \(stages.joined(separator: ", "))).\n"
        if let summary = dedup.summary {
            text += "\n" + Markdown.table(["figure", "value"], [
                ["stage", summary.stage], ["documents in", Markdown.count(summary.documentsIn)],
                ["documents kept", Markdown.count(summary.documentsKept)], ["documents removed", Markdown.count(summary.documentsRemoved)],
                ["clusters", Markdown.count(summary.clusters)], ["candidate pairs", Markdown.count(summary.candidatePairs)],
                ["verified pairs", Markdown.count(summary.verifiedPairs)], ["rejected pairs", Markdown.count(summary.rejectedPairs)],
            ])
        }
        return text
    }

    /// The stats of the first stage named `name`, with its spec.
    static func stage(_ name: String, in facts: DatasetFacts) -> (spec: StageSpec, stats: StageStats?)? {
        guard let index = facts.run.pipeline.stages.firstIndex(where: { $0.name == name }) else { return nil }
        let stats = index < facts.run.stats.stages.count ? facts.run.stats.stages[index] : nil
        return (facts.run.pipeline.stages[index], stats)
    }

    static func personalInformation(_ facts: DatasetFacts) -> String {
        guard let (spec, stats) = stage("pii", in: facts) else {
            return "No PII stage ran: the text may hold e-mail addresses, phone numbers and other personal details.\n"
        }
        // The kinds the stage was set to find (all by default), as PIIConfig reads them.
        let named = spec.options?["kinds"]?.array().compactMap { $0.string.flatMap(PIIKind.init(rawValue:)) } ?? []
        let kinds = named.isEmpty ? PIIKind.allCases : named
        let what: [PIIKind: String] = [.email: "e-mail addresses", .phone: "phone numbers (Hong Kong and international)",
                                       .hkid: "HKID numbers with valid check digits", .card: "payment card numbers with valid check digits",
                                       .ip: "IP addresses"]
        var text = "The `pii` stage replaced " + kinds.map { "\(what[$0]!) with `\($0.placeholder)`" }.joined(separator: ", ") + ". "
        let counters = (stats?.counters ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key) \(Markdown.count($0.value))" }
        text += counters.isEmpty ? "It found nothing to replace in this run.\n" : "Replacements in this run: \(counters.joined(separator: ", ")).\n"
        text += "Names, addresses and other personal details in free text are not detected.\n"
        return text
    }

    static func decontamination(_ facts: DatasetFacts) -> String {
        guard let (spec, stats) = stage("decontaminate", in: facts) else {
            return "No decontamination ran: benchmark items may appear in the text, so scores of models trained on it may be inflated.\n"
        }
        let benchmarks = spec.options?["benchmarks"]?.array().compactMap(\.string) ?? []
        let n = spec.options?["n"]?.int ?? 13
        var text = "Documents sharing \(n) consecutive characters with an item of these evaluation files were "
        text += "\(spec.options?["action"]?.string ?? "drop")ped: \(benchmarks.map { "`\($0)`" }.joined(separator: ", ")). "
        let dropped = (stats?.dropped ?? [:]).values.reduce(0, +)
        text += "\(Markdown.count(dropped)) document(s) dropped for overlap.\n"
        return text
    }

    static func limitations(_ facts: DatasetFacts) -> String {
        var lines = [
            "Language identification keeps documents by the share of Cantonese sentences; code-mixed text and Standard Written Chinese passages inside kept documents remain.",
            "Heuristic quality filters and the perplexity bucket were tuned on a small set of Cantonese text; they are not a judgement of content.",
            "The sources are small and not a balanced sample of Cantonese as written or spoken; see the table of sources for what each contributes.",
        ]
        if facts.dedup == nil { lines.append("No near-duplicate removal: repeated documents keep their weight.") }
        if facts.splits.count < 3 { lines.append("Some splits are empty at this size; use a larger corpus or other split weights for held-out evaluation.") }
        return lines.map { "- \($0)\n" }.joined()
    }
}
