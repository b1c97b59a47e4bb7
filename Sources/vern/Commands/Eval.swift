import ArgumentParser
import Foundation
import VernacularEval
import VernacularLangID

extension Vern {
    struct Eval: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Evaluate one or more models on benchmark tasks; write results.json, items.jsonl and report.html.",
            discussion: """
                A task is KIND=PATH, or KIND=PATH:option=value:option=value (options after the path, \
                separated by ':'; values take \\n, \\t and \\c for a colon). Kinds: \
                \(TaskKind.allCases.map(\.rawValue).joined(separator: ", ")). Options: \(TaskSpec.optionHelp).

                Multiple choice is scored by log-likelihood as lm-evaluation-harness scores MMLU: \
                "{question}\\nA. ..\\nB. ..\\nC. ..\\nD. ..\\nAnswer:" after K solved examples (the dev \
                split, or the first K items of each subject, which are then not scored), continuations \
                " A", " B", ...; acc and acc_norm per subject and size-weighted. Generation tasks are \
                greedy. Every item's result is cached in OUTPUT/cache.jsonl under the model's files, the \
                task and the exact prompt, so a rerun or an added model scores only what is new, and a \
                killed run resumes. Items a loader cannot use (a missing option, an answer given as a \
                number, a repeated id) are listed by file and item and not scored.
                """)

        @Option(name: .shortAndLong, parsing: .singleValue,
                help: ArgumentHelp("A model, as `vern generate` takes it (repeat for several).", valueName: "model"))
        var model: [String] = []

        @Option(name: .shortAndLong, parsing: .upToNextOption,
                help: ArgumentHelp("Tasks: KIND=PATH[:option=value...].", valueName: "spec"))
        var task: [String] = []

        @Option(name: .shortAndLong, help: ArgumentHelp("The folder for results, items, the report and the cache.", valueName: "dir"))
        var output: String

        @Option(help: "Score only the first N items of each task (file order, subject files in name order).")
        var limit: Int?

        @Option(help: "Solved examples before each multiple choice or generation prompt (a task's shots= overrides).")
        var shots = 0

        @OptionGroup var pack: PackOptions

        @Flag(help: "Print results.json to standard output instead of the table.")
        var json = false

        func validate() throws {
            if model.isEmpty { throw ValidationError("give at least one --model") }
            if task.isEmpty { throw ValidationError("give at least one --task KIND=PATH") }
            if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
            if shots < 0 { throw ValidationError("--shots must be 0 or more") }
        }

        func run() throws {
            let specs = try task.map { text in
                do { return try TaskSpec(parsing: text) } catch { throw ValidationError("--task \(text): \(error)") }
            }
            let runner = EvalRunner(settings: EvalSettings(tasks: specs, limit: limit, shots: shots), output: output)
            if specs.contains(where: { $0.kind == .answerLanguage || $0.kind == .codeSwitch }) {
                runner.classifier = try LanguagePack.load(from: try pack.resolved()).makeClassifier()
            }
            runner.progress = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
            let sources = try model.map { name -> EvalModelSource in
                let path = try ModelOptions.resolve(name)
                return EvalModelSource(name: name, key: ModelFingerprint.of(path: path)) {
                    // float32 throughout: log-likelihoods and greedy answers do not depend on the
                    // 8-bit decoding copies.
                    ModelScorer(try ModelOptions.parse(["--model", name]).load(forDecoding: false))
                }
            }
            let results = try runner.run(models: sources)
            if json {
                print(String(decoding: try Data(contentsOf: URL(fileURLWithPath: output + "/results.json")), as: UTF8.self), terminator: "")
            } else {
                print(EvalTable.render(results))
                print("results: \(output)/results.json, items: \(output)/items.jsonl, report: \(output)/report.html")
            }
        }
    }
}
