import Foundation

/// Renders the torchtitan bundle: the TOML job config, the dataset adapter over our shards, the
/// torchrun and sbatch scripts, the conversion to Hugging Face, and a README.
public enum TorchtitanBundle {
    /// The blend file the adapter reads: the train split of each pack folder, with its weight.
    struct Blend: Codable {
        var prefixes: [String]
        var weights: [Double]
    }

    public static func render(config: TrainingConfig, plan: Plan) throws -> JobBundle {
        // FSDP2 shards gradients and optimizer states always (ZeRO 2 or 3); with one data-parallel
        // rank all stages are the same.
        guard let setting = plan.chosen(allowedStages: [2, 3]) else {
            throw ClusterError.nothingFits("no tensor-parallel degree with FSDP (ZeRO 2 or 3) fits \(config.cluster.deviceMemoryGiB.formatted) GiB per device: see vern cluster plan")
        }
        let toml = TOMLText.render(TorchtitanJobConfig.entries(config: config, setting: setting), header: """
            torchtitan \(EngineVersions.torchtitan) job config for '\(config.name)', written by vern cluster render.
            tensor parallel \(setting.tensorParallel), FSDP2 over \(setting.dataParallel) (ZeRO \(setting.zeroStage)): see README.md for the plan.
            """)
        var shape = config.shape
        // torchtitan's llama3 model has a separate output matrix: the converted folder says so.
        shape.tiedEmbeddings = false
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let blend = Blend(prefixes: config.data.packs.map { $0 + "/train" }, weights: config.data.weights)
        let manifest = BundleManifest(engine: .torchtitan, name: config.name, jobScript: "train.sbatch", nodes: config.cluster.nodes,
                                      tensorParallel: setting.tensorParallel, zeroStage: setting.zeroStage)
        let files = [
            BundleFile("job.toml", toml),
            BundleFile("data.json", String(decoding: try encoder.encode(blend), as: UTF8.self) + "\n"),
            BundleFile("megatron_reader.py", MegatronReaderScript.text),
            BundleFile("vern_megatron.py", TorchtitanAdapterScript.text),
            BundleFile("model_config.json", HuggingFaceConfigFile.text(shape: shape, maxPositions: config.training.seqLen)),
            BundleFile("train.sh", TorchtitanScripts.train(config: config), executable: true),
            BundleFile("train.sbatch", TorchtitanScripts.trainBatch(config: config), executable: true),
            BundleFile("convert_to_hf.sh", TorchtitanScripts.convert(config: config), executable: true),
            BundleFile("prepare_initial.py", InitialWeightsScript.text),
            BundleFile("requirements.txt", "torchtitan==\(EngineVersions.torchtitan)\ntorch==\(EngineVersions.torch)\nnumpy\n"),
            BundleFile("plan.json", String(decoding: try encoder.encode(plan.rows), as: UTF8.self) + "\n"),
            BundleFile("README.md", readme(config: config, plan: plan, setting: setting)),
            try manifest.file(),
        ]
        return JobBundle(engine: .torchtitan, files: files, setting: setting)
    }

    static func readme(config: TrainingConfig, plan: Plan, setting: PlanRow) -> String {
        let shared = config.cluster.sharedFolder
        return """
            # \(config.name): torchtitan bundle

            Written by `vern cluster render --engine torchtitan` for torchtitan \(EngineVersions.torchtitan) (PyPI; git tag
            \(EngineVersions.torchtitanTag)), the last release whose job config is TOML, with torch \(EngineVersions.torch).
            Later releases moved to Python config registries (`--module`, `--config`); this bundle does not fit them.

            | file | what it is |
            | --- | --- |
            | `job.toml` | the job config: FSDP2 (`data_parallel_shard_degree`) and tensor parallelism, selective activation checkpointing |
            | `vern_megatron.py` | registers the train spec `vern_llama3`: torchtitan's llama3 with this shape, fed by our shards |
            | `megatron_reader.py` | reads `vern pack`'s Megatron `.bin/.idx` with numpy and blends them into windows |
            | `data.json` | the blend: train prefixes and weights |
            | `model_config.json` | the shape as a Hugging Face config (the converted folder's config.json) |
            | `train.sh`, `train.sbatch` | torchrun on one node; the Slurm job (`srun --auto-resume=1` on HyperPod) |
            | `convert_to_hf.sh` | a DCP checkpoint to a Hugging Face folder with torchtitan's own `convert_to_hf.py` |
            | `prepare_initial.py` | the Hugging Face weights a continued-pretraining job starts from, as torchtitan loads them |
            | `requirements.txt`, `plan.json`, `bundle.json` | pinned packages; every planned setting; what `vern cluster launch` reads |

            ## Commands

            ```bash
            python3 -m venv \(shared)/venv-torchtitan && . \(shared)/venv-torchtitan/bin/activate
            pip install -r requirements.txt
            git clone --branch \(EngineVersions.torchtitanTag) --depth 1 https://github.com/pytorch/torchtitan \(shared)/torchtitan   # for convert_to_hf.py
            cd \(shared)/bundles/\(config.name)           # this folder
            \(config.model.huggingFace.map { "python3 prepare_initial.py \($0) initial      # the starting weights (model.hf)\n" } ?? "")            vern cluster launch .                        # or: sbatch train.sbatch; one node without Slurm: ./train.sh
            ./convert_to_hf.sh \(shared)/runs/\(config.name)/torchtitan/checkpoint/step-\(config.training.steps) hf-out
            vern generate --model hf-out -p "..."        # back in vern: generate, perplexity, eval
            ```

            Data: \(zip(config.data.packs, config.data.weights).map { "`\($0.0)/train` (\($0.1))" }.joined(separator: ", ")),
            blended by smooth weighted round-robin; each data-parallel rank takes every n-th document of each
            pack, documents are packed end to end and cut into windows of seq_len + 1 tokens, as torchtitan's own
            text dataset does. The adapter's position is saved in torchtitan's checkpoints.

            The model is torchtitan's llama3 (no biases, untied output matrix, RoPE theta \(config.shape.ropeTheta.formatted) with
            Llama 3.1's scaling turned off). \(config.shape.tiedEmbeddings ? "The config's model ties its embeddings; torchtitan trains them untied, so the converted folder has a separate lm_head." : "")

            \(PlanSummary.markdown(plan: plan, setting: setting, config: config))
            """
    }
}
