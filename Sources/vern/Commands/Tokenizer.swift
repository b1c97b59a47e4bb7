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
            abstract: "Learn new tokens (Han words and characters) on top of a tokenizer.json or a GGUF model's tokenizer.",
            discussion: """
                Continues the base tokenizer's BPE merges on the corpus's words (pre-tokenised \
                words of a byte-level base; Han runs in the U+2581 space convention of a \
                SentencePiece-style base such as Gemma's, whose frequent byte-spelt characters \
                become tokens first) and writes OUTPUT/tokenizer.json (every original id \
                unchanged; new ids follow the base vocabulary; for a GGUF base, a tokenizer.json \
                written from its metadata with the same normaliser, pre-tokeniser, decoder and \
                special tokens) and OUTPUT/new_tokens.json (each new token's pieces under the base \
                tokenizer, to initialise its embedding row from theirs).
                """
        )

        @Option(help: ArgumentHelp("Base: a tokenizer.json, a .gguf model, or 'smollm2'/'gemma3'.", valueName: "path"))
        var base: String

        @Option(help: "Most new tokens to add.")
        var add: Int

        @Option(parsing: .upToNextOption, help: "Corpus: JSON Lines files, folders or globs.")
        var input: [String]

        @Option(help: "Folder for tokenizer.json and new_tokens.json.")
        var output: String

        @Option(help: "Least corpus count for a merge (or a new character).")
        var minCount = 2

        @Flag(help: "Learn from every word, not only words with Han characters.")
        var allScripts = false

        func validate() throws {
            if add < 1 { throw ValidationError("--add must be at least 1") }
            if minCount < 1 { throw ValidationError("--min-count must be at least 1") }
        }

        func run() throws {
            let path = try ModelOptions.resolve(base)
            let (baseTokenizer, baseJSON) = try TokenizerFile.loadWithJSON(path: path)
            var texts: [String] = []
            let files = try DocumentFiles.expand(input)
            if files.isEmpty { throw ValidationError("no JSON Lines files in \(input)") }
            for file in files {
                try DocumentReading.forEach(path: file) { texts.append($0.text) }
            }
            let start = Date()
            let learnt = try VocabularyExtension.learn(base: baseTokenizer, texts: texts, add: add,
                                                       minimumCount: minCount, hanOnly: !allScripts)
            let json = try learnt.extendedTokenizerJSON(base: baseJSON)
            // Load what we wrote: a file our own loader rejects, or one that moved an id, must
            // not leave this command.
            try learnt.verify(extended: try Tokenizer(huggingFaceJSON: json), base: baseTokenizer)
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            try json.write(to: URL(fileURLWithPath: output + "/tokenizer.json"))
            try learnt.mappingJSON().write(to: URL(fileURLWithPath: output + "/new_tokens.json"))
            print(String(format: "added %d tokens (%d merges) to %d from %d documents in %.1f s: %@/tokenizer.json, %@/new_tokens.json",
                         learnt.tokens.count, learnt.merges.count, baseTokenizer.vocabularySize, texts.count,
                         Date().timeIntervalSince(start), output, output))
        }
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stats",
            abstract: "Tokens per character and bytes per token of tokenizers on labelled text sets.",
            discussion: """
                Each --input is LABEL=PATH: JSON Lines documents (plain, .gz, .zst) or, for .txt, \
                the whole file as one text. Example: --input yue=heldout.jsonl --input swc=swc.txt \
                --input en=en.txt. Tokens are counted without special tokens. Give each base \
                before its extensions: a tokenizer is shown beside, and compared with, the \
                nearest earlier one whose vocabulary it extends (else the first), e.g. \
                --tokenizer smollm2 --tokenizer out/tokenizer.json.
                """
        )

        @Option(help: ArgumentHelp("A tokenizer.json, .gguf model or 'smollm2'/'gemma3' (repeatable).", valueName: "path"))
        var tokenizer: [String]

        @Option(help: ArgumentHelp("A labelled text set (repeatable).", valueName: "label=path"))
        var input: [String]

        @Flag(help: "Print JSON instead of a table.")
        var json = false

        @Option(help: ArgumentHelp("Also write the JSON rows to this file (a run's fertility.json).", valueName: "file"))
        var output: String?

        func validate() throws {
            if tokenizer.isEmpty { throw ValidationError("give at least one --tokenizer") }
            if input.isEmpty { throw ValidationError("give at least one --input LABEL=PATH") }
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
                    let files = try DocumentFiles.expand([path])
                    if files.isEmpty { throw ValidationError("--input \(label): no files at '\(path)'") }
                    for file in files { try DocumentReading.forEach(path: file) { texts.append($0.text) } }
                }
                sets.append((label, texts))
            }
            var loaded: [(name: String, tokenizer: Tokenizer)] = []
            for name in tokenizer { loaded.append((name, try TokenizerFile.load(path: try ModelOptions.resolve(name)))) }
            let rows = FertilityRow.measure(tokenizers: loaded, sets: sets)
            if let output {
                let url = URL(fileURLWithPath: output)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data((try JSONText.encode(rows) + "\n").utf8).write(to: url)
            }
            if json {
                print(try JSONText.encode(rows))
                return
            }
            printTable(rows, tokenizers: tokenizer, baselines: FertilityRow.baselineIndices(loaded.map(\.tokenizer)),
                       sets: sets.map(\.label))
        }

        /// One line per set; per tokenizer its tokens per character and bytes per token, and
        /// after the first the change in tokens per character against its baseline (the base
        /// it extends).
        private func printTable(_ rows: [FertilityRow], tokenizers: [String], baselines: [Int], sets: [String]) {
            // Paths are shortened to their last two parts: the folder usually names the variant.
            func short(_ path: String) -> String { path.split(separator: "/").suffix(2).joined(separator: "/") }
            func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
            func right(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }
            for (index, name) in tokenizers.enumerated() {
                print("[\(index + 1)] \(short(name))" + (index > 0 ? " (compared with [\(baselines[index] + 1)])" : ""))
            }
            let setWidth = max(3, sets.map(\.count).max() ?? 0)
            var header = pad("set", setWidth) + " " + right("chars", 9)
            for index in tokenizers.indices {
                header += " " + right("[\(index + 1)]tok/ch", 10) + " " + right("byte/tok", 8)
                if index > 0 { header += " " + right("Δ vs [\(baselines[index] + 1)]", 9) }
            }
            print(header)
            for set in sets {
                let setRows = tokenizers.compactMap { name in rows.first { $0.tokenizer == name && $0.set == set } }
                guard let first = setRows.first else { continue }
                var line = pad(set, setWidth) + " " + right("\(first.fertility.characters)", 9)
                for (index, row) in setRows.enumerated() {
                    line += String(format: " %10.3f %8.2f", row.fertility.tokensPerCharacter, row.fertility.bytesPerToken)
                    if index > 0 {
                        line += " " + right(row.tokensPerCharacterChangePercent.map { String(format: "%+.1f%%", $0) } ?? "-", 9)
                    }
                }
                print(line)
            }
        }
    }
}
