import ArgumentParser
import VernacularCore
import VernacularIngest

extension Vern {
    struct Ingest: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Turn a source (a corpus, dump, subtitles, ...) into JSON Lines document shards.")

        enum Kind: String, ExpressibleByArgument, CaseIterable {
            case hkcancor
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

        func run() throws {
            let writer = try DocumentShardWriter(folder: output, compression: Compression(path: "x." + compression),
                                                 documentsPerShard: documentsPerShard)
            switch kind {
            case .hkcancor:
                let reader = HKCanCorReader()
                for input in inputs {
                    for document in try reader.documents(inFolder: input) { try writer.write(document) }
                }
            }
            try writer.finish()
            print("Wrote \(writer.documentsWritten) documents to \(writer.files.count) shard(s) in \(output)")
        }
    }
}
