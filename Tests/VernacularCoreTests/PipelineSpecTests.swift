import Foundation
import Testing
@testable import VernacularCore

@Suite struct PipelineSpecTests {
    @Test func readsSectionsDefaultsAndStages() throws {
        let spec = try PipelineSpec.parse(yaml: """
            input:
              paths: [a.jsonl, b.jsonl.zst]
              text_field: content
            output:
              dir: out
            on_error: skip
            stages:
              - normalize
              - filter: {min_chars: 10}
            """, file: "p.yaml")
        #expect(spec.input.paths == ["a.jsonl", "b.jsonl.zst"])
        #expect(spec.input.textField == "content")
        #expect(spec.input.idField == "id")
        #expect(spec.output.compression == .zstd)
        #expect(spec.onError == .skip)
        #expect(spec.stages.map(\.name) == ["normalize", "filter"])
        #expect(spec.stages[1].line == 9)
    }

    @Test func unknownKeyNamesTheKeyAndItsLine() {
        let yaml = "input:\n  paths: [a]\n  text_feild: body\noutput:\n  dir: out\n"
        do {
            _ = try PipelineSpec.parse(yaml: yaml, file: "p.yaml")
            Issue.record("a misspelt key was accepted")
        } catch let error as PipelineFileError {
            #expect(error.line == 3)
            #expect(error.description.contains("text_feild"))
            #expect(error.description.hasPrefix("p.yaml:3:"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func unknownTopLevelKeyAndBadPolicyAreErrors() {
        #expect(throws: PipelineFileError.self) {
            try PipelineSpec.parse(yaml: "input: {paths: [a]}\noutput: {dir: o}\nworker: 2\n", file: "p.yaml")
        }
        #expect(throws: PipelineFileError.self) {
            try PipelineSpec.parse(yaml: "input: {paths: [a]}\noutput: {dir: o}\non_error: ignore\n", file: "p.yaml")
        }
    }

    @Test func hashIgnoresOutputFolderAndWorkersButNotStages() throws {
        let a = try PipelineSpec.parse(yaml: "input: {paths: [a]}\noutput: {dir: o1}\nworkers: 1\nstages: [normalize]\n", file: "p")
        let b = try PipelineSpec.parse(yaml: "input: {paths: [a]}\noutput: {dir: o2}\nworkers: 4\nstages: [normalize]\n", file: "p")
        let c = try PipelineSpec.parse(yaml: "input: {paths: [a]}\noutput: {dir: o1}\nstages: [{normalize: {unicode: nfkc}}]\n", file: "p")
        #expect(a.configurationHash == b.configurationHash)
        #expect(a.configurationHash != c.configurationHash)
    }

    @Test func stageOptionsRejectUnknownKeys() throws {
        struct Options: Decodable, KnownKeys {
            var minChars: Int
            enum CodingKeys: String, CodingKey, CaseIterable { case minChars = "min_chars" }
            static var knownKeys: [String] { CodingKeys.allCases.map(\.rawValue) }
        }
        let spec = try PipelineSpec.parse(yaml: "input: {paths: [a]}\noutput: {dir: o}\nstages:\n  - f: {min_char: 3}\n", file: "p")
        let options = StageOptions(stageName: "f", node: spec.stages[0].options, file: "p")
        #expect(throws: PipelineFileError.self) { try options.decode(Options.self) }
    }
}

@Suite struct InputExpansionTests {
    @Test func foldersStandForTheirFilesAndEmptyPatternsAreErrors() throws {
        let folder = try TestFolder()
        try FileManager.default.createDirectory(atPath: folder.file("corpus"), withIntermediateDirectories: true)
        try folder.write("corpus/b.jsonl", "{}\n")
        try folder.write("corpus/a.jsonl", "{}\n")
        #expect(try ShardPlanner.expand([folder.file("corpus")]) == [folder.file("corpus/a.jsonl"), folder.file("corpus/b.jsonl")])
        #expect(throws: IOError.self) { try ShardPlanner.expand([folder.file("nothing/*.jsonl")]) }
    }
}

@Suite struct PathResolutionTests {
    @Test func relativePathsResolveAgainstThePipelineFolder() {
        #expect(PipelineSpec.resolve("../demo-out/run", against: "demo") == "demo-out/run")
        #expect(PipelineSpec.resolve("data/*.jsonl", against: "conf/pipelines") == "conf/pipelines/data/*.jsonl")
        #expect(PipelineSpec.resolve("../../x", against: "a") == "../x")
        #expect(PipelineSpec.resolve("/abs/x", against: "a") == "/abs/x")
    }
}
