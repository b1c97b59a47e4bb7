import Foundation
import Testing
import VernacularCore
@testable import VernacularTrain
@testable import VernacularRelease

@Suite struct WorkflowReleaseTests {
    @Test func workflowCarriesThePipelineTrainingConfigVersionAndCommands() throws {
        let fixture = try ReleaseFixture()
        var options = TrainingOptions()
        options.sequenceLength = 256
        options.maxSteps = 40
        options.lora = LoRAOptions(rank: 8, targets: ["self_attn.q_proj", "self_attn.v_proj"])
        let train = fixture.folder.file("train")
        try FileManager.default.createDirectory(atPath: train, withIntermediateDirectories: true)
        let manifest = VernacularTrain.RunManifest(
            baseModel: "smollm2", baseModelPath: "vendor/models/SmolLM2-135M-Instruct.Q4_1.gguf", architecture: "llama",
            vocabularySize: 49_152, extendedTokenizer: false, options: options, data: [fixture.runFolder + "/documents"],
            dataFingerprint: "45-0011", replay: [], replayFingerprint: nil, evalData: [])
        try JSONEncoder().encode(manifest).write(to: URL(fileURLWithPath: train + "/run.json"))
        let version = SourceVersion(commit: "3c50de49bc4debd3a4edab539d1e2955893ac0b5", describe: "3c50de4-dirty", checkout: "/src")
        let output = fixture.folder.file("workflow")
        let facts = try WorkflowRelease.write(runFolder: fixture.runFolder,
                                              options: WorkflowReleaseOptions(name: "test workflow", trainRun: train, version: version), to: output)
        #expect(facts.files == ["README.md", "ingest/\(WorkflowRelease.relativeName(fixture.folder.file("corpus")))/ingest-report.json",
                                "ingest/\(WorkflowRelease.relativeName(fixture.folder.file("wiki")))/ingest-report.json",
                                "pipeline/pipeline.yaml", "reproduce.sh", "training/run.json", "version.json"])
        // The pipeline and the training config are the files the runs read, byte for byte.
        #expect(try Data(contentsOf: URL(fileURLWithPath: output + "/pipeline/pipeline.yaml")) == Data(contentsOf: URL(fileURLWithPath: fixture.pipeline)))
        let carried = try JSONDecoder().decode(VernacularTrain.RunManifest.self, from: Data(contentsOf: URL(fileURLWithPath: output + "/training/run.json")))
        #expect(carried == manifest)
        #expect(try JSONDecoder().decode(SourceVersion.self, from: Data(contentsOf: URL(fileURLWithPath: output + "/version.json"))) == version)

        let script = try String(contentsOfFile: output + "/reproduce.sh", encoding: .utf8)
        #expect(script.contains("(git 3c50de4-dirty, commit 3c50de49bc4debd3a4edab539d1e2955893ac0b5)"))
        #expect(script.contains("\nvern ingest jsonl in.jsonl --output \(fixture.folder.file("wiki")) --license cc-by-sa-4.0\n"))
        #expect(script.contains("\nvern run \(fixture.pipeline)\n"))
        #expect(script.contains("\nvern train --model smollm2 --data \(fixture.runFolder)/documents --output \(train)-reproduced --mode pretrain --seq-len 256 --batch-size 4 --grad-accum 1 --lr 0.001 --min-lr-ratio 0.1 --max-steps 40 "))
        #expect(script.contains(" --lora-rank 8 --lora-alpha 16.0 --lora-dropout 0.0 --lora-targets self_attn.q_proj,self_attn.v_proj --no-train-embeddings "))
        let syntax = try PythonEnvironment.run("/bin/bash", ["-n", output + "/reproduce.sh"])
        #expect(syntax.status == 0, "reproduce.sh: \(syntax.errors)")
        let card = try String(contentsOfFile: output + "/README.md", encoding: .utf8)
        #expect(card.contains("| commit | 3c50de49bc4debd3a4edab539d1e2955893ac0b5 |"))
        #expect(card.contains("keeping 45 of 50 documents"))
    }

    @Test func shellLinesQuoteWhatTheShellWouldChange() {
        #expect(ReproduceCommands.shellLine(["vern", "train", "--data", "dedup/shard-*.jsonl.zst", "--note", "it's"])
            == "vern train --data 'dedup/shard-*.jsonl.zst' --note 'it'\\''s'")
        #expect(ReproduceCommands.shellLine(["--tokenizer", "$here/training/tokenizer"]) == "--tokenizer \"$here\"/training/tokenizer")
    }
}

@Suite struct HubUploadTests {
    @Test func uploadsWithHfWhenInstalledAndATokenIsSet() async throws {
        let folder = try TestFolder()
        // A stand-in `hf` that records its arguments, on a PATH of its own.
        try folder.write("bin/hf", "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"\(folder.file("arguments.txt"))\"\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.file("bin/hf"))
        let upload = try HubUpload(folder: folder.file("release"), repoID: "vernacular/yue-demo", repoType: .dataset)
        #expect(upload.commandLine == "hf upload vernacular/yue-demo \(folder.file("release")) . --repo-type dataset")

        #expect(HubUpload.unavailableReason(environment: ["PATH": "/nonexistent"]) == "the `hf` command is not installed (pip install huggingface_hub)")
        #expect(HubUpload.unavailableReason(environment: ["PATH": folder.file("bin")]) == "HF_TOKEN is not set")
        let ready = ["PATH": folder.file("bin"), "HF_TOKEN": "hf_test"]
        #expect(HubUpload.unavailableReason(environment: ready) == nil)
        try await upload.perform(environment: ready)
        let arguments = try String(contentsOfFile: folder.file("arguments.txt"), encoding: .utf8)
        #expect(arguments == "upload\nvernacular/yue-demo\n\(folder.file("release"))\n.\n--repo-type\ndataset\n")

        #expect(throws: ReleaseError.self) { try HubUpload(folder: "x", repoID: "no-owner", repoType: .model) }
        #expect(throws: ReleaseError.self) { try HubUpload(folder: "x", repoID: "a/b c", repoType: .model) }
    }
}

@Suite struct ModelFolderCopyTests {
    /// An export folder copied with a GGUF beside it; a file that is not GGUF is refused by name.
    @Test(.enabled(if: InstalledSmolLM2.available, "run make bootstrap to install SmolLM2"))
    func ggufGoesBesideTheSafetensorsAndMustBeOne() throws {
        let folder = try TestFolder()
        for file in ModelRelease.exportFiles { try folder.write("export/" + file, "{}\n") }
        let run = try HuggingFaceLoadTests.trainingRun(in: folder, options: TrainingOptions(), vocabulary: 49_152, extended: false)
        let output = folder.file("release")
        try folder.write("notes.gguf", "not a model\n")
        var options = ModelReleaseOptions(name: "copy", trainRun: run, gguf: folder.file("notes.gguf"))
        do {
            try ModelRelease.write(source: folder.file("export"), options: options, to: output) { _ in throw ReleaseError(path: "", message: "not loaded") }
            Issue.record("released a text file as the GGUF")
        } catch {
            #expect("\(error)" == folder.file("notes.gguf") + ": not a GGUF file (it does not start with the GGUF magic number)")
        }
        #expect(!FileManager.default.fileExists(atPath: output + ".partial"))
        options.gguf = InstalledSmolLM2.path
        let facts = try ModelRelease.write(source: folder.file("export"), options: options, to: output) { _ in throw ReleaseError(path: "", message: "not loaded") }
        #expect(facts.files == ["SmolLM2-135M-Instruct.Q4_1.gguf", "config.json", "generation_config.json", "model.safetensors",
                                "tokenizer.json", "tokenizer_config.json"])
        let card = try String(contentsOfFile: output + "/README.md", encoding: .utf8)
        #expect(card.contains("| SmolLM2-135M-Instruct.Q4_1.gguf | the same model as one GGUF file (llama.cpp, `vern generate`) |"))
        // Without --train, an export folder cannot say how it was made.
        #expect(throws: ReleaseError.self) {
            try ModelRelease.write(source: folder.file("export"), options: ModelReleaseOptions(name: "x"), to: output) { _ in throw ReleaseError(path: "", message: "") }
        }
    }
}
