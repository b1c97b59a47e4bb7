import ArgumentParser
import Foundation
import VernacularCore
import VernacularIngest
import VernacularRelease

extension ErrorPolicy: ExpressibleByArgument {}
extension TextEncoding: ExpressibleByArgument {}
extension PlainTextReader.Unit: ExpressibleByArgument {}

extension Vern {
    struct Ingest: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Turn sources (dumps, subtitles, pages, sheets, dictionaries, corpora) into JSON Lines document shards.",
            discussion: """
                Writes shard-NNNNN.jsonl.zst files and ingest-report.json (counts, skipped records \
                with file and line, invalid bytes per file) in the output folder. Folders given as \
                inputs are searched for the kind's files.
                """)

        enum Kind: String, ExpressibleByArgument, CaseIterable {
            case wiki, subtitles, html, csv, jsonl, text, dictionary, hkcancor
        }

        @Argument(help: "What kind of source: \(Kind.allCases.map(\.rawValue).joined(separator: ", ")).")
        var kind: Kind

        @Argument(help: "Input files or folders.")
        var inputs: [String]

        @Option(help: "Folder for the document shards.")
        var output: String

        @Option(help: "Documents per shard.")
        var documentsPerShard = 10_000

        @Option(help: "Shard compression: zst, gz or none.")
        var compression = "zst"

        @Option(help: "What a bad record, page or file does: skip (count it, keep the rest) or fail (stop).")
        var onError: ErrorPolicy = .skip

        @Option(help: "Text encoding of subtitles, html, csv, text and dictionary inputs: \(TextEncoding.allCases.map(\.rawValue).joined(separator: ", ")).")
        var encoding: TextEncoding = .auto

        // wiki
        @Option(help: "wiki: the variant kept from -{...}- conversion markup (zh-hk, zh-hant, zh-tw, zh-hans, zh-cn, ...).")
        var variant = "zh-hk"

        @Option(help: "wiki: the multistream index (default: the -index.txt[.bz2] file beside the dump).")
        var index: String?

        @Option(help: "wiki: workers decoding multistream streams (0: one per core).")
        var workers = 0

        @Flag(help: "wiki: keep redirects and disambiguation pages, flagged in meta, instead of only counting them.")
        var includeFlagged = false

        // subtitles
        @Option(help: "subtitles: a silence longer than this (seconds) starts a new dialogue document.")
        var gapSeconds = 10.0

        // csv
        @Option(help: "csv: text columns, by header name or 1-based number, comma separated (default: 'text' or the first).")
        var textColumns: String?

        @Option(help: "csv: the column holding record ids.")
        var idColumn: String?

        @Option(help: "csv: the field delimiter (default: tab for .tsv, comma otherwise).")
        var delimiter: String?

        // jsonl
        @Option(help: "jsonl: text fields, dotted paths allowed (a.b), comma separated.")
        var textFields = "text"

        @Option(help: "jsonl: the id field.")
        var idField = "id"

        // text
        @Option(help: "text: one document per paragraph or per file.")
        var unit: PlainTextReader.Unit = .paragraph

        // dictionary
        @Flag(help: "dictionary: write only example sentences, not entries.")
        var examplesOnly = false

        @Option(help: "The sources' licence as a Hub id (cc-by-4.0, cc-by-sa-4.0, cc0-1.0, ...), recorded in ingest-report.json for `vern release dataset`'s licence check.")
        var license: String?

        @OptionGroup var outputOptions: OutputOptions

        func validate() throws {
            guard ConversionVariant(variant) != nil else {
                throw ValidationError("unknown variant '\(variant)'")
            }
            guard gapSeconds >= 0 else { throw ValidationError("--gap-seconds must not be negative") }
            if let delimiter, delimiter != "\\t", delimiter.count != 1 || !delimiter.first!.isASCII {
                throw ValidationError("--delimiter must be one ASCII character (or \\t)")
            }
            if let license, Licence(license) == nil {
                throw ValidationError("--license '\(license)' is not a licence id vern knows: \(Licence.known.keys.sorted().joined(separator: ", "))")
            }
            guard Compression.allCases.map(\.rawValue).contains(compression) else {
                throw ValidationError("--compression must be zst, gz or none")
            }
        }

        func makeReader() -> any DocumentReader {
            switch kind {
            case .wiki:
                var options = WikiDumpReader.Options()
                options.wikitext.variant = ConversionVariant(variant) ?? .hongKong
                options.indexPath = index
                options.workers = workers
                options.includeFlagged = includeFlagged
                return WikiDumpReader(options: options)
            case .subtitles:
                var options = SubtitleReader.Options()
                options.gapSeconds = gapSeconds
                options.encoding = encoding
                return SubtitleReader(options: options)
            case .html:
                return HTMLReader(encoding: encoding)
            case .csv:
                var options = TableReader.Options()
                options.textColumns = textColumns.map(Self.list) ?? []
                options.idColumn = idColumn
                options.delimiter = delimiter.map { $0 == "\\t" ? "\t" : $0.first! }
                options.encoding = encoding
                return TableReader(options: options)
            case .jsonl:
                var options = JSONLinesReader.Options()
                options.textFields = Self.list(textFields)
                options.idField = idField.isEmpty ? nil : idField
                return JSONLinesReader(options: options)
            case .text:
                var options = PlainTextReader.Options()
                options.unit = unit
                options.encoding = encoding
                return PlainTextReader(options: options)
            case .dictionary:
                var options = DictionaryReader.Options()
                options.entries = !examplesOnly
                options.encoding = encoding
                return DictionaryReader(options: options)
            case .hkcancor:
                return HKCanCorReader()
            }
        }

        static func list(_ text: String) -> [String] {
            text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }

        func run() throws {
            let writer = try DocumentShardWriter(folder: output, compression: Compression(path: "x." + compression),
                                                 documentsPerShard: documentsPerShard)
            let report = try IngestRun(reader: makeReader(), policy: onError).run(inputs: inputs, writer: writer)
            try writer.finish()
            var object = report.jsonObject()
            // Provenance for releases: the licence given, and the command that made these shards.
            if let license { object["license"] = .string(Licence(license)!.id) }
            object["command"] = .array((["vern"] + CommandLine.arguments.dropFirst()).map { .string($0) })
            var json: [UInt8] = []
            JSONWriter.append(object, to: &json)
            json.append(UInt8(ascii: "\n"))
            try Data(json).write(to: URL(fileURLWithPath: output + "/ingest-report.json"), options: .atomic)

            if !outputOptions.quiet {
                for problem in report.problems.prefix(20) {
                    FileHandle.standardError.write(Data("skipped: \(problem)\n".utf8))
                }
                if report.problems.count > 20 {
                    FileHandle.standardError.write(Data("... and \(report.problems.count - 20) more in ingest-report.json\n".utf8))
                }
            }
            if outputOptions.json {
                print(String(decoding: json, as: UTF8.self), terminator: "")
                return
            }
            var line = "Wrote \(writer.documentsWritten) documents from \(report.files) file(s) to \(writer.files.count) shard(s) in \(output)"
            if !report.problems.isEmpty { line += "; skipped \(report.problems.count) (see ingest-report.json)" }
            if let invalid = report.counters["invalid_byte_sequences"], invalid > 0 { line += "; \(invalid) invalid byte sequences replaced" }
            print(line)
        }
    }
}
