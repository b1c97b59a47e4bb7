import Foundation
import Testing
import VernacularEngine
import VernacularModels
import VernacularTrain

/// `vern release model` on a `vern train` RUN_DIR exports it on the way: the released folder is the
/// trained model (same logits as the run loaded directly), with a card naming the base's licence.
@Suite(.serialized, .enabled(if: SmolLM2Tokenizer.available, "run make bootstrap to install SmolLM2 (its tokenizer)"))
struct ReleaseCommandTests {
    @Test func releasingARunFolderExportsTheTrainedModel() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("release-cli-\(UUID())").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let helper = TrainKillAndResumeTests()
        try helper.writeTinyModel(to: root + "/tiny")
        try helper.writeData(to: root + "/data.jsonl")
        let trained = try VernBinary.run(["train", "--model", root + "/tiny", "--data", root + "/data.jsonl", "--output", root + "/run",
                                          "--max-steps", "3", "--seq-len", "32", "--batch-size", "2", "--save-every", "3", "--quiet"])
        try #require(trained.status == 0, "vern train: \(trained.error)")

        // The tiny base is no model vern knows: the release asks for its licence rather than guess.
        let refused = try VernBinary.run(["release", "model", root + "/run", "--output", root + "/release"])
        #expect(refused.status != 0)
        #expect(refused.error.contains("is not one vern knows the licence of: give --base-model-license ID"), "\(refused.error)")

        let released = try VernBinary.run(["release", "model", root + "/run", "--output", root + "/release",
                                           "--base-model-license", "mit"])
        try #require(released.status == 0, "vern release model: \(released.error)")
        for file in ["config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "generation_config.json", "README.md"] {
            #expect(FileManager.default.fileExists(atPath: root + "/release/" + file), "\(file) missing")
        }
        let card = try String(contentsOfFile: root + "/release/README.md", encoding: .utf8)
        #expect(card.hasPrefix("---\nlicense: mit\n"))
        #expect(card.contains("3 steps, "))

        let options = ModelLoadOptions(quantizeForDecoding: false)
        let run = try TrainedRun.load(root + "/run", options: options) { try ModelLoader.load(path: $0, options: options) }
        let folder = try ModelLoader.load(path: root + "/release", options: options)
        let ids = run.tokenizer.encode("佢哋喺度等緊巴士。", addSpecialTokens: false)
        let tokens = try MLXArray(ints: ids, [1, ids.count])
        let expected = try run.model.callAsFunction(tokens, cache: nil, lastOnly: false).asFloats()
        let logits = try folder.model.callAsFunction(tokens, cache: nil, lastOnly: false).asFloats()
        #expect(zip(expected, logits).map { Swift.abs($0 - $1) }.max()! < 1e-4)
    }

    @Test func unknownLicencesAreRefusedBeforeAnythingIsRead() throws {
        let result = try VernBinary.run(["release", "dataset", "/nonexistent", "--output", "/tmp/never", "--license", "all-rights-reserved"])
        #expect(result.status != 0)
        #expect(result.error.contains("--license 'all-rights-reserved' is not a licence id vern knows"))
        let ingest = try VernBinary.run(["ingest", "text", "/nonexistent", "--output", "/tmp/never", "--license", "CC-BY-4"])
        #expect(ingest.status != 0)
        #expect(ingest.error.contains("--license 'CC-BY-4' is not a licence id vern knows"))
    }
}
