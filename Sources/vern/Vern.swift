import ArgumentParser

@main
struct Vern: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vern",
        abstract: "Vernacular: raw text in a low-resource language to a clean corpus and a model.",
        version: "0.1.0",
        subcommands: [
            Init.self, Run.self, Status.self, Ingest.self, LangID.self, Dedup.self,
            Doctor.self, Generate.self, Chat.self, Perplexity.self,
            PII.self, Pack.self, TokenizerCommand.self,
            LM.self, Report.self, Train.self, Export.self, Serve.self, Eval.self, Synth.self, Cluster.self, Release.self,
        ]
    )
}
