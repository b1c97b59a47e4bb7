import ArgumentParser
import Foundation
import VernacularCore
import VernacularQuality

extension Vern {
    struct LM: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lm",
            abstract: "Character n-gram language model (modified Kneser-Ney, ARPA files) for perplexity buckets.",
            subcommands: [Train.self, Score.self])
    }
}

extension Vern.LM {
    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train a character model on JSON Lines documents and write it as ARPA.",
            discussion: """
                Tokens are non-whitespace characters; each non-empty line is a sentence between \
                <s> and </s>. Also writes OUTPUT.cutoffs.json: the perplexities at the pack's \
                head and tail percentiles over every tenth document, held out of training, read by the perplexity stage.
                """)

        @Option(help: "N-gram order (1-8).")
        var order = 5

        @Option(help: ArgumentHelp("JSON Lines documents (.jsonl, .zst, .gz); repeat for more files.", valueName: "path"))
        var input: [String]

        @Option(help: ArgumentHelp("The ARPA file to write.", valueName: "path"))
        var output: String

        @OptionGroup var pack: PackOptions

        func validate() throws {
            if !(1...8).contains(order) { throw ValidationError("--order must be between 1 and 8") }
            if input.isEmpty { throw ValidationError("give at least one --input") }
        }

        func run() throws {
            let settings = try LMSettings.load(packPath: try pack.resolved().path)
            let trained = try CharacterLM.train(paths: input, order: order, settings: settings)
            try trained.model.write(to: output)
            if let cutoffs = trained.cutoffs { try cutoffs.write(path: PerplexityCutoffs.path(forModel: output)) }
            let counts = trained.model.counts.enumerated().map { "\($0.offset + 1)-grams \($0.element)" }
            print("\(trained.documents) documents; \(counts.joined(separator: ", ")) -> \(output)")
            if !trained.fallbackOrders.isEmpty {
                print("note: too little text for discounts of order \(trained.fallbackOrders); used 0.5/1.0/1.5")
            }
        }
    }

    struct Score: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write each document's perplexity under an ARPA model as a JSON line.",
            discussion: "Prints {\"id\", \"perplexity\", \"log10_prob\", \"tokens\", \"unknown\"} per document.")

        @Option(help: ArgumentHelp("The ARPA model.", valueName: "path"))
        var model: String

        @Argument(help: ArgumentHelp("JSON Lines documents.", valueName: "path"))
        var inputs: [String]

        @Option(help: ArgumentHelp(
            "Also write each document as kenlm should read it: a sentence a line, characters separated by spaces, a blank line after each document.",
            valueName: "path"))
        var spacedOutput: String?

        func run() throws {
            let lm = try ARPAModel.read(path: model)
            var spaced = ""
            defer { if let spacedOutput { try? spaced.write(toFile: spacedOutput, atomically: true, encoding: .utf8) } }
            for path in inputs {
                try DocumentReading.forEach(path: path) { document in
                    let s = lm.score(document.text)
                    if spacedOutput != nil { spaced += CharacterTokens.spaced(document.text) + "\n\n" }
                    var record = JSONObject()
                    record["id"] = .string(document.id)
                    record["perplexity"] = s.tokens == 0 ? .null : JSONValue(s.perplexity)
                    record["log10_prob"] = JSONValue(s.log10Probability)
                    record["tokens"] = JSONValue(s.tokens)
                    record["unknown"] = JSONValue(s.unknown)
                    print(JSONWriter.string(.object(record)))
                }
            }
        }
    }
}
