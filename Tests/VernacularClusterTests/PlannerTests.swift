import Foundation
import Testing
@testable import VernacularCluster

/// A config for the planner alone: a shape, no files.
func shapeConfig(parameters: Double? = nil, layers: Int = 32, hidden: Int = 4096, heads: Int = 32, kvHeads: Int = 8,
                 ffn: Int = 14336, vocab: Int = 128_256, seqLen: Int = 4096, globalBatch: Int = 1024, microBatch: Int = 1,
                 nodes: Int = 4, devicesPerNode: Int = 32, device: String = "trn1", memory: Double = 16,
                 extra: String = "") throws -> TrainingConfig {
    let parametersLine = parameters.map { "  parameters: \($0)\n" } ?? ""
    let yaml = """
        name: test-job
        model:
        \(parametersLine)  layers: \(layers)
          hidden: \(hidden)
          heads: \(heads)
          kv_heads: \(kvHeads)
          ffn: \(ffn)
          vocab: \(vocab)
        data: {pack: [packs/a, packs/b], weights: [0.7, 0.3]}
        training: {seq_len: \(seqLen), global_batch: \(globalBatch), micro_batch: \(microBatch), steps: 10000, lr: 1.5e-4, warmup: 100, precision: bf16, checkpoint_every: 500}
        cluster: {nodes: \(nodes), devices_per_node: \(devicesPerNode), device: \(device), device_memory_gb: \(memory)}
        \(extra)
        """
    return try TrainingConfig.parse(yaml: yaml, file: "test.yaml", folder: "/jobs")
}

@Suite struct ZeROPaperTests {
    /// Rajbhandari et al. 2020, Figure 1: Ψ = 7.5B, N_d = 64, K = 12: 120, 31.4, 16.6 and 1.9 GB per
    /// device for the baseline and stages 1-3. The paper's GB are 1e9 bytes rounded to one decimal
    /// (in GiB the baseline would be 111.8).
    @Test func modelStatesMatchFigureOne() {
        let expected = [120.0, 31.4, 16.6, 1.9]
        for stage in 0...3 {
            let memory = StateMemory(parameterCount: 7.5e9, tensorParallel: 1, dataParallel: 64, zeroStage: stage)
            let gb = (memory.total / 1e9 * 10).rounded() / 10
            #expect(gb == expected[stage], "stage \(stage): \(memory.total / 1e9) GB")
        }
        let exact = (0...3).map { StateMemory(parameterCount: 7.5e9, tensorParallel: 1, dataParallel: 64, zeroStage: $0).total }
        #expect(exact == [120e9, 31.40625e9, 16.640625e9, 1.875e9])
        #expect((120e9 / 1_073_741_824 * 10).rounded() / 10 == 111.8)
    }

    @Test func stagesDivideTheRightStates() {
        let m = StateMemory(parameterCount: 8e9, tensorParallel: 8, dataParallel: 16, zeroStage: 2)
        #expect(m.parameters == 2e9)            // 2 bytes × 1e9 per TP rank, not divided by dp
        #expect(m.gradients == 2e9 / 16)
        #expect(m.optimizer == 12e9 / 16)
        let s1 = StateMemory(parameterCount: 8e9, tensorParallel: 8, dataParallel: 16, zeroStage: 1)
        #expect(s1.gradients == 2e9 && s1.optimizer == 12e9 / 16)
    }

    /// The planner's rows carry the same figures: a 7.5B shape on 64 devices with t = 1.
    @Test func planRowsForThePaperExample() throws {
        let config = try shapeConfig(parameters: 7.5e9, nodes: 8, devicesPerNode: 8, device: "a100", memory: 80)
        let plan = Planner().plan(config)
        let t1 = plan.rows.filter { $0.tensorParallel == 1 }
        #expect(t1.map(\.dataParallel) == [64, 64, 64, 64])
        let states = t1.map { (($0.bytes.parameters + $0.bytes.gradients + $0.bytes.optimizer) / 1e8).rounded() / 10 }
        #expect(states == [120, 31.4, 16.6, 1.9])
        #expect(t1[0].fits == false && t1[0].reason.contains("needs"))
        #expect(t1[3].fits == true && t1[3].reason.hasPrefix("fits"))
    }
}

@Suite struct ActivationTests {
    /// The paper's formula by hand for s=2048, b=1, h=4096, a=32: 34 + 5·32·2048/4096 = 114 bytes per sbh.
    @Test func paperFormulas() throws {
        let config = try shapeConfig(seqLen: 2048)
        let a = ActivationMemory(shape: config.shape, seqLen: 2048, microBatch: 1)
        let sbh = 2048.0 * 4096
        #expect(a.paper(.none, tensorParallel: 1) == sbh * 114)
        #expect(a.paper(.tensorParallel, tensorParallel: 8) == sbh * (10 + 3 + 80.0 / 8))
        #expect(a.paper(.sequenceParallel, tensorParallel: 8) == sbh * (34.0 / 8 + 10))
        #expect(a.paper(.selectiveRecompute, tensorParallel: 8) == sbh * 34 / 8)
        #expect(a.paper(.fullRecompute, tensorParallel: 8) == sbh * 2 / 8)
    }

    /// Llama 3 8B's layer by hand: 12sbh + 4sb·(8·128) + 8sb·14336 + 4·32·sb
    /// = sbh(12 + 1 + 28) + 128sb = 41sbh + 128sb.
    @Test func adjustedLlamaLayer() throws {
        let config = try shapeConfig()
        let a = ActivationMemory(shape: config.shape, seqLen: 4096, microBatch: 1)
        let sb = 4096.0, sbh = sb * 4096
        #expect(a.adjusted(.none, tensorParallel: 1) == 41 * sbh + 128 * sb)
        // t = 8 with SP: everything split 8 ways (8 kv heads split 8 ways too).
        #expect(a.adjusted(.sequenceParallel, tensorParallel: 8) == (41 * sbh + 128 * sb) / 8)
        // t = 32 > k = 8: K and V split only 8 ways.
        let kv = 4 * sb * 1024
        #expect(a.adjusted(.sequenceParallel, tensorParallel: 32) == (41 * sbh + 128 * sb - kv) / 32 + kv / 8)
        // Without SP the norms' and projections' inputs (8sbh) stay whole.
        #expect(a.adjusted(.tensorParallel, tensorParallel: 8) == 8 * sbh + (33 * sbh + 128 * sb - kv) / 8 + kv / 8)
        // Flash attention drops the s² term, so the adjusted layer is far below the paper's.
        #expect(a.adjusted(.none, tensorParallel: 1) < a.paper(.none, tensorParallel: 1) / 4)
        #expect(a.adjusted(.selectiveRecompute, tensorParallel: 8) == a.adjusted(.sequenceParallel, tensorParallel: 8))
    }

    @Test func totalsAddLayersAndLogits() throws {
        let config = try shapeConfig()
        let a = ActivationMemory(shape: config.shape, seqLen: 4096, microBatch: 1)
        let expected = 32 * a.adjusted(.sequenceParallel, tensorParallel: 8) + 6 * 4096 * 128_256 / 8
        #expect(a.total(.sequenceParallel, layers: 32, tensorParallel: 8) == expected)
    }
}

@Suite struct PlannerTests {
    @Test func degreesArePowersOfTwoDividingHeads() {
        let p = Planner()
        #expect(p.tensorParallelDegrees(heads: 32, devicesPerNode: 32, devices: 128) == [1, 2, 4, 8, 16, 32])
        #expect(p.tensorParallelDegrees(heads: 9, devicesPerNode: 8, devices: 8) == [1])
        #expect(p.tensorParallelDegrees(heads: 24, devicesPerNode: 32, devices: 128) == [1, 2, 4, 8])
        #expect(p.tensorParallelDegrees(heads: 32, devicesPerNode: 8, devices: 4) == [1, 2, 4])
    }

    /// The issue's example: a 7.5B-class Llama on 4 trn1 nodes (128 NeuronCores of 16 GiB).
    @Test func sevenBOnTrainium() throws {
        let config = try shapeConfig(parameters: 7.5e9)
        let plan = Planner().plan(config)
        #expect(plan.rows.count == 6 * 4)
        // ZeRO-1 at t = 8: 2·7.5e9/8 + 2·7.5e9/8 + 12·7.5e9/(8·16) = 1.875 + 1.875 + 0.703 GB states.
        let row = try #require(plan.rows.first { $0.tensorParallel == 8 && $0.zeroStage == 1 })
        #expect(row.dataParallel == 16 && row.gradientAccumulation == 64)
        #expect(abs(row.bytes.parameters + row.bytes.gradients + row.bytes.optimizer - 4.453125e9) < 1)
        // Without any division the 120 GB of states cannot fit 16 GiB.
        let baseline = try #require(plan.rows.first { $0.tensorParallel == 1 && $0.zeroStage == 0 })
        #expect(!baseline.fits)
        #expect(row.fits)
        // t = 4 with ZeRO-1: (4 + 12/32) · 7.5e9/4 = 8.2 GB of states and 6.3 GB of activations
        // (32 layers of (41sbh + 128sb)/4 and 6sbV/4 of logits) fit 0.9 · 16 GiB = 15.46 GB.
        let chosen = try #require(plan.chosen(allowedStages: [0, 1]))
        #expect(chosen.tensorParallel == 4 && chosen.zeroStage == 1)
        #expect(abs(chosen.bytes.activations - (32 * (41 * 4096 * 4096 + 128 * 4096) / 4 + 6 * 4096 * 128_256 / 4)) < 1)
        // Every row's total is its parts.
        for r in plan.rows {
            #expect(abs(r.bytes.total - (r.bytes.parameters + r.bytes.gradients + r.bytes.optimizer + r.bytes.activations)) < 1)
        }
    }

    @Test func batchThatDoesNotDivideIsReported() throws {
        let config = try shapeConfig(globalBatch: 1000)
        let plan = Planner().plan(config)
        let row = try #require(plan.rows.first { $0.tensorParallel == 1 })
        #expect(!row.fits && row.reason.contains("not a multiple"))
    }

    /// 6·N FLOPs per token: 7.5e9 parameters on 128 NeuronCores of 95 TFLOP/s at 40%:
    /// 0.4 · 95e12 · 128 / 4.5e10 = 108,089 tokens/s; 10,000 steps of 1024 × 4096 tokens take 4.49 days.
    @Test func throughputAtStatedMFU() throws {
        let config = try shapeConfig(parameters: 7.5e9)
        let plan = Planner().plan(config)
        #expect(abs(plan.throughput.tokensPerSecond - 0.4 * 95e12 * 128 / 4.5e10) < 1e-6)
        #expect(abs(plan.throughput.days - 10_000 * 1024 * 4096 / plan.throughput.tokensPerSecond / 86_400) < 1e-9)
        #expect((plan.throughput.days * 100).rounded() / 100 == 4.49)
    }

    @Test func jsonHasTheIssueShape() throws {
        let plan = Planner().plan(try shapeConfig())
        let data = try JSONEncoder().encode(plan.rows)
        let array = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        #expect(array.count == plan.rows.count)
        let first = try #require(array.first)
        for key in ["tensor_parallel", "data_parallel", "zero_stage", "bytes", "fits", "reason"] {
            #expect(first[key] != nil, "missing \(key)")
        }
        let bytes = try #require(first["bytes"] as? [String: Any])
        #expect(Set(bytes.keys) == ["parameters", "gradients", "optimizer", "activations", "total"])
    }

    /// SmolLM2-135M's shape counts to its published 134.5M parameters.
    @Test func parameterCountFromShape() {
        let smol = ModelShape(layers: 30, hidden: 576, heads: 9, kvHeads: 3, ffn: 1536, vocab: 49152, tiedEmbeddings: true)
        #expect(smol.parameterCount == 134_515_008)
        let llama8b = ModelShape(layers: 32, hidden: 4096, heads: 32, kvHeads: 8, ffn: 14336, vocab: 128_256)
        #expect(llama8b.parameterCount == 8_030_261_248)
    }
}
