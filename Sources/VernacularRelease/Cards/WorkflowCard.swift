import Foundation

/// README.md of a workflow release: what the folder holds, the vern that made the run and the
/// commands that redo it.
enum WorkflowCard {
    static func render(_ facts: WorkflowFacts, run: PipelineRunFolder) -> String {
        let version = facts.options.version
        var card = "---\nlanguage:\n- yue\ntags:\n- vernacular\n- workflow\n---\n\n# \(facts.options.name)\n\n"
        card += "How the data (and the model) of this run were made, to redo or change: the pipeline file as the run "
        card += "read it, the language packs it names, the ingest reports, the training configuration and the commands.\n\n"
        card += "## vern\n\n"
        card += Markdown.table(["", ""], [
            ["version", version.version], ["git describe", version.describe ?? "unknown (not run from a git checkout)"],
            ["commit", version.commit ?? "unknown"],
        ])
        card += "\nThe run folder `\(run.path)` ran \(run.manifest.started) to \(run.manifest.finished), "
        card += "reading \(run.manifest.inputs.count) input file(s) and keeping \(run.stats.documentsWritten) of \(run.stats.documentsRead) documents.\n"
        card += "\n## Files\n\n" + facts.files.map { "- `\($0)`\n" }.joined()
        card += "\n## Commands\n\n`reproduce.sh` runs these in order from the folder the run ran in:\n\n"
        for (index, step) in facts.steps.enumerated() {
            card += "\(index + 1). \(step.title)" + (step.note.map { " (\($0))" } ?? "") + "\n\n"
            card += Markdown.code(ReproduceCommands.shellLine(step.command), language: "sh").split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.isEmpty ? "" : "   " + $0 }.joined(separator: "\n")
        }
        return card
    }
}
