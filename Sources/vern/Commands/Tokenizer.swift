import ArgumentParser
import Foundation
import VernacularCore
import VernacularPack
import VernacularTokenizer

extension Vern {
    struct TokenizerCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tokenizer",
            abstract: "Train or extend a tokenizer for a language, and measure what tokenizers cost.",
            subcommands: [Train.self, Extend.self, Stats.self]
        )
    }
}

extension Vern.TokenizerCommand {
    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "train",
            abstract: "Train a byte-level BPE tokenizer on JSON Lines documents.",
            discussion: """
                Text is NFC-normalised and cut as Qwen 2 cuts it, except that a run of Han \
                characters is a word of its own (never joined to punctuation or Latin letters). \
                Writes DIR/tokenizer.json (DIR from --output), which Hugging Face `tokenizers` loads.
                """
        )

        @Option(parsing: .upToNextOption, help: "Corpus: JSON Lines files, folders or globs.")
        var input: [String]

        @Option(help: ArgumentHelp("Folder for tokenizer.json.", valueName: "dir"))
        var output: String

        @Option(help: "Tokens in the vocabulary, special tokens and the 256 bytes included.")
        var vocabSize = 32000

        @Option(help: "Least corpus count for a merge.")
        var minFrequency = 2

        @Option(parsing: .upToNextOption, help: "Special tokens, given the first ids.")
        var specialTokens = ["<|endoftext|>"]

        @Option(help: "JSON field holding each document's text.")
        var textField = "text"

        func validate() throws {
            if vocabSize < specialTokens.count + 256 {
                throw ValidationError("--vocab-size must be at least \(specialTokens.count + 256) (special tokens and 256 bytes)")
            }
            if minFrequency < 1 { throw ValidationError("--min-frequency must be at least 1") }
        }

        func run() throws {
            var trainer = try BPETrainer(options: BPETrainingOptions(
                vocabularySize: vocabSize, minimumFrequency: minFrequency, specialTokens: specialTokens))
            let files = try DocumentFiles.expand(input)
            if files.isEmpty { throw ValidationError("no JSON Lines files in \(input)") }
            let start = Date()
            let mapping = DocumentFieldMapping(textField: textField)
            for (number, file) in files.enumerated() {
                try DocumentReading.forEach(path: file, mapping: mapping) { trainer.add($0.text) }
                progress(String(format: "counted %d/%d files: %d documents, %.1f MB, %d distinct words (%.1f s)",
                                number + 1, files.count, trainer.documents, Double(trainer.bytes) / 1e6,
                                trainer.distinctWords, Date().timeIntervalSince(start)))
            }
            let counted = Date()
            let trained = trainer.train { size, target in
                progress(String(format: "merges: %d/%d tokens (%.1f s)", size, target, Date().timeIntervalSince(counted)))
            }
            let json = trained.tokenizerJSON()
            // Load what we wrote: a file our own loader rejects must not leave this command.
            _ = try Tokenizer(huggingFaceJSON: json)
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            try json.write(to: URL(fileURLWithPath: output + "/tokenizer.json"))
            print(String(format: "trained %d tokens (%d merges) on %d documents (%.1f MB) in %.1f s (counting %.1f s): %@/tokenizer.json",
                         trained.vocabularySize, trained.merges.count, trainer.documents, Double(trainer.bytes) / 1e6,
                         Date().timeIntervalSince(start), counted.timeIntervalSince(start), output))
        }

        private func progress(_ line: String) {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }

    struct Extend: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "extend",
            abstract: "Learn new tokens (Han words and characters) on top of a byte-level tokenizer.",
            discussion: """
                Continues the base tokenizer's BPE merges on the corpus's pre-tokenised words and \
                writes OUTPUT/tokenizer.json (every original id unchanged; new ids follow the base \
                vocabulary) and OUTPUT/new_tokens.json (each new token's pieces under the base \
                tokenizer, to initialise its embedding row from theirs).
                """
        )

        @Option(help: ArgumentHelp("Base tokenizer.json (byte-level BPE).", valueName: "path"))
        var base: String

        @Option(help: "Most new tokens to add.")
        var add: Int

        @Option(parsing: .upToNextOption, help: "Corpus: JSON Lines files, folders or globs.")
        var input: [String]

        @Option(help: "Folder for tokenizer.json and new_tokens.json.")
        var output: String

        @Option(help: "Least corpus count for a merge.")
        var minCount = 2

        @Flag(help: "Learn from every word, not only words with Han characters.")
        var allScripts = false

        func validate() throws {
            if add < 1 { throw ValidationError("--add must be at least 1") }
            if minCount < 1 { throw ValidationError("--min-count must be at least 1") }
        }

        func run() throws {
            let path = try ModelOptions.resolve(base)
            let baseTokenizer = try TokenizerFile.load(path: path)
            guard !TokenizerFile.isGGUF(path: path) else {
                throw ValidationError("--base must be a tokenizer.json for now: a GGUF base cannot be written back yet")
            }
            var texts: [String] = []
            for file in try DocumentFiles.expand(input) {
                try DocumentReading.forEach(path: file) { texts.append($0.text) }
            }
            let start = Date()
            let learnt = try VocabularyExtension.learn(base: baseTokenizer, texts: texts, add: add,
                                                       minimumCount: minCount, hanOnly: !allScripts)
            let json = try learnt.extendedTokenizerJSON(base: Data(contentsOf: URL(fileURLWithPath: path)))
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            try json.write(to: URL(fileURLWithPath: output + "/tokenizer.json"))
            try learnt.mappingJSON().write(to: URL(fileURLWithPath: output + "/new_tokens.json"))
            // Load what we wrote: a file our own loader rejects must not leave this command.
            _ = try Tokenizer(huggingFaceJSON: json)
            print(String(format: "added %d tokens (%d merges) from %d documents in %.1f s: %@/tokenizer.json, %@/new_tokens.json",
                         learnt.tokens.count, learnt.merges.count, texts.count, Date().timeIntervalSince(start), output, output))
        }
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stats",
            abstract: "Tokens per character and bytes per token of tokenizers on labelled text sets.",
            discussion: """
                Each --input is LABEL=PATH: JSON Lines documents (plain, .gz, .zst) or, for .txt, \
                the whole file as one text. Example: --input yue=heldout.jsonl --input swc=swc.txt \
                --input en=en.txt. Tokens are counted without special tokens.
                """
        )

        @Option(help: ArgumentHelp("A tokenizer.json, .gguf model or 'smollm2'/'gemma3' (repeatable).", valueName: "path"))
        var tokenizer: [String]

        @Option(help: ArgumentHelp("A labelled text set (repeatable).", valueName: "label=path"))
        var input: [String]

        @Flag(help: "Print JSON instead of a table.")
        var json = false

        func validate() throws {
            if tokenizer.isEmpty { throw ValidationError("give at least one --tokenizer") }
            for item in input where !item.contains("=") { throw ValidationError("--input '\(item)' is not LABEL=PATH") }
        }

        func run() throws {
            var sets: [(label: String, texts: [String])] = []
            for item in input {
                let label = String(item.prefix { $0 != "=" })
                let path = String(item.dropFirst(label.count + 1))
                var texts: [String] = []
                if path.hasSuffix(".txt") {
                    texts.append(String(decoding: try readWholeFile(path), as: UTF8.self))
                } else {
                    for file in try DocumentFiles.expand([path]) { try DocumentReading.forEach(path: file) { texts.append($0.text) } }
                }
                sets.append((label, texts))
            }
            struct Row: Encodable { var tokenizer: String; var set: String; var fertility: Fertility }
            var rows: [Row] = []
            for name in tokenizer {
                let loaded = try TokenizerFile.load(path: try ModelOptions.resolve(name))
                for (label, texts) in sets {
                    var fertility = Fertility()
                    for text in texts { fertility.add(text, tokenizer: loaded) }
                    rows.append(Row(tokenizer: name, set: label, fertility: fertility))
                }
            }
            if json {
                print(try JSONText.encode(rows))
                return
            }
            // Paths are shortened to their last two parts: the folder usually names the variant.
            func short(_ path: String) -> String { path.split(separator: "/").suffix(2).joined(separator: "/") }
            let nameWidth = max(9, rows.map { short($0.tokenizer).count }.max() ?? 0)
            let setWidth = max(3, rows.map(\.set.count).max() ?? 0)
            func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
            func right(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }
            print(pad("tokenizer", nameWidth) + "  " + pad("set", setWidth) + " " + right("chars", 10) + " " + right("tokens", 10)
                  + " " + right("tok/char", 8) + " " + right("byte/tok", 8))
            for row in rows {
                print(pad(short(row.tokenizer), nameWidth) + "  " + pad(row.set, setWidth) + String(format: " %10d %10d %8.3f %8.2f",
                             row.fertility.characters, row.fertility.tokens, row.fertility.tokensPerCharacter,
                             row.fertility.bytesPerToken))
            }
        }
    }
}
