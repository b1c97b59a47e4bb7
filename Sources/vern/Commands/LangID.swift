import ArgumentParser
import Foundation
import VernacularCore
import VernacularLangID

extension Vern {
    struct LangID: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "langid",
            abstract: "Tell Cantonese from Standard Written Chinese, English and code-mixing.",
            subcommands: [Classify.self, Train.self])
    }
}

/// The language pack option both subcommands share.
struct PackOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The language pack (lexicons, thresholds, model file).",
        discussion: "Looked up in the working directory, then in the repository the vern executable was built in.",
        valueName: "path"))
    var pack = "langs/yue.yaml"

    /// The pack's path: as given if it exists, else under a folder above the executable.
    func resolved() throws -> URL {
        guard let url = PackLocator.locate(pack) else {
            throw ValidationError("no language pack at '\(pack)' (nor under the folders above the vern executable)")
        }
        return url
    }
}

extension Vern.LangID {
    struct Classify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Label text read on standard input.",
            discussion: """
                Reads one sentence per line and writes one line per input line, LABEL<TAB>SCORE, \
                where LABEL is yue, zh, en, mixed, neutral or other and SCORE its probability. \
                'neutral' is a line with no evidence for any language (a heading, a name, numbers, \
                an empty line); 'other' is another script, invalid UTF-8, or a line too even to \
                decide. With --documents, \
                reads JSON Lines and writes each record with lang, lang_score, yue_share and \
                lang_sentences added to its meta.
                """)

        @OptionGroup var pack: PackOptions

        @Flag(help: "Read and write JSON Lines documents instead of one sentence per line.")
        var documents = false

        @Option(help: "The JSON field holding a document's text (with --documents).")
        var textField = "text"

        func run() throws {
            let classifier = try LanguagePack.load(from: try pack.resolved()).makeClassifier()
            let reader = LineReader(source: try FileByteSource(path: "/dev/stdin"), path: "<stdin>")
            let output = StandardOutput()
            if documents {
                _ = try LangIDStreams.classifyDocuments(from: reader, classifier: classifier, source: "stdin",
                                                        mapping: DocumentFieldMapping(textField: textField),
                                                        write: output.write)
            } else {
                _ = try LangIDStreams.classifySentences(from: reader, classifier: classifier, write: output.write)
            }
        }
    }

    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train a model from labelled files with the pack's lexicon and training options.",
            discussion: "Each file holds LABEL<TAB>sentence lines (labels: yue, zh, en, mixed, other).")

        @OptionGroup var pack: PackOptions

        @Argument(help: ArgumentHelp("Labelled files.", valueName: "labelled-file"))
        var files: [String]

        @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the model.", valueName: "model.vlid"))
        var output: String

        func validate() throws {
            if files.isEmpty { throw ValidationError("give at least one labelled file") }
        }

        func run() throws {
            let languagePack = try LanguagePack.load(from: try pack.resolved())
            let (model, report) = try languagePack.train(files: files.map { URL(fileURLWithPath: $0) })
            try model.save(to: URL(fileURLWithPath: output))
            print("trained on \(report.trainCount) sentences (dev \(report.devCount)); wrote \(output)")
            print("epoch loss: " + report.epochLoss.map { String(format: "%.4f", $0) }.joined(separator: " "))
            print(String(format: "dev accuracy %.4f, dev loss %.4f, temperature %.2f",
                         report.devAccuracy, report.devLoss, report.temperature))
        }
    }
}

/// Standard output through `write(2)`: the classify output is bytes, and no line is lost to a
/// buffer that is never flushed.
private struct StandardOutput {
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard var base = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let count = Glibc.write(1, base, left)
            if count < 0 {
                if errno == EINTR { continue }
                throw IOError(path: "<stdout>", message: "write failed: \(String(cString: strerror(errno)))")
            }
            base += count
            left -= count
        }
    }
}
