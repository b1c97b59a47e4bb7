import ArgumentParser
import Foundation
import VernacularCore

extension Vern {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a pipeline file over its inputs, resuming where an earlier run stopped.",
            discussion: """
                Each input shard is written to OUTPUT/documents/ under a temporary name, renamed when \
                complete, then recorded in OUTPUT/markers/. Running the same pipeline again skips \
                finished shards, so a killed run resumes without losing or duplicating documents.
                """)

        @Argument(help: "The pipeline file (YAML). 'vern init' writes a commented example.",
                  transform: { $0 })
        var pipeline: String

        @Option(help: "Worker threads (default: the pipeline's 'workers', else one per core).")
        var workers: Int?

        @OptionGroup var output: OutputOptions

        func validate() throws {
            if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
        }

        func run() async throws {
            let spec = try PipelineSpec.load(path: pipeline)
            let stages = try StageCatalog.registry().makeStages(for: spec)
            let runner = ShardRunner(spec: spec, stages: stages)
            let summary = try runner.run(workers: workers ?? spec.workers,
                                         progress: output.quiet ? .quiet : .automatic)
            if output.json {
                print(try JSONText.encode(summary))
            } else if !output.quiet {
                print(StatsTable.render(summary))
            }
        }
    }
}
