import ArgumentParser
import Foundation
import VernacularCore
import VernacularPack
import VernacularTokenizer

extension Vern {
    struct Pack: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pack",
            abstract: "Tokenise documents into Megatron indexed datasets for training.",
            discussion: """
                Writes OUTPUT/{train,valid,test}.{bin,idx} (Megatron-LM, NeMo and NeuronX Distributed \
                read them) and OUTPUT/pack.json. Each document becomes one sequence ending in the \
                end-of-document token; its split comes from a hash of its id, so reruns agree. Tokens \
                are uint16 when the vocabulary fits, else int32.
                """
        )

        @OptionGroup var tokenizer: TokenizerOptions

        @Option(parsing: .upToNextOption, help: "Input JSON Lines files, folders or globs (plain, .gz or .zst).")
        var input: [String]

        @Option(help: "Folder for the .bin/.idx files and pack.json.")
        var output: String

        @Option(help: ArgumentHelp("Relative sizes of train/valid/test.", valueName: "train/valid/test"))
        var split = "98/1/1"

        @Option(help: "Tokenising threads.")
        var workers = 2

        @Flag(help: "Repeat each training document by its meta.dup_cluster_size (from 'vern dedup near'), capped by --max-copies.")
        var upsampleDuplicates = false

        @Option(help: "Most copies of one document when upsampling (large clusters are often boilerplate).")
        var maxCopies = 3

        @Option(help: ArgumentHelp("End-of-document token, by its text (default: the tokenizer's EOS).", valueName: "token"))
        var eodToken: String?

        @Flag(inversion: .prefixedNo, help: "Put BOS before each document (default: as the tokenizer does).")
        var bos: Bool?

        @Option(help: "JSON field holding the text.") var textField = "text"
        @Option(help: "JSON field holding the document id (the split hashes it).") var idField = "id"

        @OptionGroup var report: OutputOptions

        func validate() throws {
            _ = try SplitWeights(parsing: split)
            if workers < 1 { throw ValidationError("--workers must be at least 1") }
            if maxCopies < 1 { throw ValidationError("--max-copies must be at least 1") }
        }

        func run() throws {
            let (loaded, path) = try tokenizer.load()
            var configuration = PackConfiguration()
            configuration.splits = try SplitWeights(parsing: split)
            configuration.workers = workers
            configuration.upsampleDuplicates = upsampleDuplicates
            configuration.maxCopies = maxCopies
            configuration.addBOS = bos
            configuration.fieldMapping = DocumentFieldMapping(textField: textField, idField: idField)
            if let eodToken {
                guard let id = loaded.tokenID(for: eodToken) else {
                    throw ValidationError("the tokenizer has no token '\(eodToken)'")
                }
                configuration.endOfDocumentID = id
            }
            let files = try DocumentFiles.expand(input)
            let start = Date()
            let live = !report.quiet && !report.json
            let summary = try Packer(tokenizer: loaded, tokenizerName: path, configuration: configuration)
                .pack(files: files, output: output) { progress in
                    guard live else { return }
                    FileHandle.standardError.write(Data("\r\(progress.documentsRead) documents".utf8))
                }
            let seconds = Date().timeIntervalSince(start)
            if live { FileHandle.standardError.write(Data("\n".utf8)) }
            if report.json {
                print(try JSONText.encode(summary))
            } else if !report.quiet {
                let tokens = summary.train.tokens + summary.valid.tokens + summary.test.tokens
                print(String(format: "packed %d documents (%d tokens, %@) in %.1f s, %.0f tokens/s: train %d, valid %d, test %d; output in %@",
                             summary.documentsRead, tokens, summary.dtype, seconds, Double(tokens) / max(seconds, 1e-9),
                             summary.train.documents, summary.valid.documents, summary.test.documents, output))
            }
        }
    }
}

/// `--tokenizer`: a tokenizer.json, a .gguf model, or the name of a model the bootstrap installed.
struct TokenizerOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Tokenizer: a tokenizer.json, a .gguf model, or 'smollm2' / 'gemma3' (installed by make).",
                               valueName: "path"))
    var tokenizer: String

    /// The tokenizer and the path it came from.
    func load() throws -> (Tokenizer, String) {
        let path = try ModelOptions.resolve(tokenizer)
        return (try TokenizerFile.load(path: path), path)
    }
}
