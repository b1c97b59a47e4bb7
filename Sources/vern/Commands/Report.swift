import ArgumentParser
import Foundation
import VernacularReport
import VernacularSynth

extension Vern {
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write one self-contained HTML page about a finished run folder.",
            discussion: """
                Per-stage and per-reason drop counts, histograms of document length, Cantonese share \
                (langid) and n-gram perplexity (perplexity stage) as inline SVG, and a few dropped \
                documents per reason (the run needs keep_dropped: true for those). RUN_DIR/fertility.json, \
                saved from `vern tokenizer stats --json`, adds a tokenizer fertility table. For a `vern train` \
                run folder the page shows the loss curve, held-out bits per character by step, speed, \
                memory and the run's settings; for a `vern synth` job folder, kept and rejected outputs \
                by reason with examples, tokens, requests, retries and cost.
                """)

        @Argument(help: ArgumentHelp("The output folder of `vern run`, `vern train` or `vern synth`.", valueName: "run-dir"))
        var runDirectory: String

        @Option(name: .shortAndLong, help: ArgumentHelp("The page to write (default: RUN_DIR/report.html).", valueName: "path"))
        var output: String?

        @Option(help: "Dropped documents shown per reason.")
        var samples = 3

        @Option(help: "Characters shown of each dropped document.")
        var sampleCharacters = 600

        func validate() throws {
            if samples < 0 { throw ValidationError("--samples must be 0 or more") }
            if sampleCharacters < 1 { throw ValidationError("--sample-characters must be at least 1") }
        }

        func run() throws {
            let folder = runDirectory.hasSuffix("/") && runDirectory.count > 1 ? String(runDirectory.dropLast()) : runDirectory
            let path = output ?? RunReport.defaultOutput(runFolder: folder)
            if SynthReport.isSynthJob(folder) {
                var report = try SynthReport(folder: folder)
                report.samplesPerReason = samples
                report.sampleCharacters = sampleCharacters
                try report.write(to: path)
                print("report: \(path) (synth job: \(report.stats.kept) kept, \(report.stats.rejected.values.reduce(0, +)) rejected)")
                return
            }
            if TrainingReport.isTrainingRun(folder) {
                try TrainingReport(runFolder: folder).write(to: path)
                print("report: \(path) (training run)")
                return
            }
            let run = try RunReport.write(runFolder: folder, to: path,
                                          options: RunFolder.Options(samplesPerReason: samples, sampleCharacters: sampleCharacters))
            for problem in run.problems { FileHandle.standardError.write(Data("warning: \(problem)\n".utf8)) }
            print("report: \(path) (\(run.stats.documentsRead) documents read, \(run.stats.documentsDropped) dropped)")
        }
    }
}
