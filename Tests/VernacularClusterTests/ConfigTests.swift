import Foundation
import Testing
@testable import VernacularCluster

@Suite struct ConfigTests {
    @Test func readsTheIssueExample() throws {
        let config = try shapeConfig(parameters: 7.5e9)
        #expect(config.name == "test-job")
        #expect(config.parameterCount == 7.5e9)
        #expect(config.data.packs == ["/jobs/packs/a", "/jobs/packs/b"])
        #expect(config.data.weights == [0.7, 0.3])
        #expect(config.cluster.deviceCount == 128)
        #expect(config.cluster.mfu == 0.4)
        #expect(config.training.checkpointEvery == 500)
    }

    @Test func unknownKeyNamesKeyAndLine() throws {
        let yaml = """
            model: {layers: 2, hidden: 64, heads: 4, ffn: 128, vocab: 100}
            data: {pack: [p]}
            training:
              seq_len: 128
              learning_rate: 0.1
            cluster: {device: h100}
            """
        do {
            _ = try TrainingConfig.parse(yaml: yaml, file: "job.yaml", folder: ".")
            Issue.record("an unknown key was accepted")
        } catch {
            let text = "\(error)"
            #expect(text.contains("learning_rate"), "\(text)")
            #expect(text.hasPrefix("job.yaml:5:"), "\(text)")
        }
    }

    @Test func missingShapeKeysAreNamed() {
        let yaml = """
            model: {layers: 2, hidden: 64}
            data: {pack: [p]}
            cluster: {device: h100}
            """
        #expect(throws: ClusterError.self) { try TrainingConfig.parse(yaml: yaml, file: "job.yaml", folder: ".") }
        do { _ = try TrainingConfig.parse(yaml: yaml, file: "job.yaml", folder: ".") } catch {
            #expect("\(error)".contains("heads, ffn, vocab"))
        }
    }

    @Test func readsHuggingFaceConfig() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vern-cluster-hf-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let json = """
            {"num_hidden_layers": 30, "hidden_size": 576, "num_attention_heads": 9, "num_key_value_heads": 3,
             "intermediate_size": 1536, "vocab_size": 49152, "tie_word_embeddings": true, "rope_theta": 100000, "rms_norm_eps": 1e-5}
            """
        try json.write(toFile: folder + "/config.json", atomically: true, encoding: .utf8)
        let yaml = """
            model: {hf: \(folder)}
            data: {pack: [p]}
            cluster: {device: h100, nodes: 1}
            """
        let config = try TrainingConfig.parse(yaml: yaml, file: "job.yaml", folder: ".")
        #expect(config.shape == ModelShape(layers: 30, hidden: 576, heads: 9, kvHeads: 3, ffn: 1536, vocab: 49152,
                                           tiedEmbeddings: true, ropeTheta: 100_000, normEps: 1e-5))
        #expect(config.cluster.devicesPerNode == 8 && config.cluster.deviceMemoryGiB == 80)
        let both = yaml.replacingOccurrences(of: "{hf: \(folder)}", with: "{hf: \(folder), layers: 3}")
        #expect(throws: ClusterError.self) { try TrainingConfig.parse(yaml: both, file: "job.yaml", folder: ".") }
    }

    @Test func rejectsBadValues() {
        let base = """
            model: {layers: 2, hidden: 64, heads: 4, ffn: 128, vocab: 100}
            data: {pack: [p, q], weights: [1.0]}
            cluster: {device: h100}
            """
        #expect(throws: ClusterError.self) { try TrainingConfig.parse(yaml: base, file: "j.yaml", folder: ".") }
        let badDevice = base.replacingOccurrences(of: "weights: [1.0]", with: "weights: [1, 1]")
            .replacingOccurrences(of: "h100", with: "tpu")
        #expect(throws: (any Error).self) { try TrainingConfig.parse(yaml: badDevice, file: "j.yaml", folder: ".") }
        let badHeads = base.replacingOccurrences(of: "weights: [1.0]", with: "weights: [1, 1]")
            .replacingOccurrences(of: "heads: 4", with: "heads: 5")
        #expect(throws: ClusterError.self) { try TrainingConfig.parse(yaml: badHeads, file: "j.yaml", folder: ".") }
    }
}
