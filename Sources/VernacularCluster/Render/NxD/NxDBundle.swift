import Foundation

/// Renders the NeuronX Distributed Training bundle: the job config, the per-node script, the
/// compile and training sbatch scripts, the conversion back to Hugging Face, and a README.
public enum NxDBundle {
    public static func render(config: TrainingConfig, plan: Plan) throws -> JobBundle {
        guard config.cluster.device.isTrainium else {
            throw ClusterError.config(file: config.file, line: nil,
                                      message: "the nxd engine runs on Trainium (trn1, trn2), not \(config.cluster.device.rawValue): render --engine torchtitan")
        }
        // NxD Training offers ZeRO-1 (zero1) or none.
        guard let setting = plan.chosen(allowedStages: [0, 1]) else {
            throw ClusterError.nothingFits("no tensor-parallel degree with ZeRO 0 or 1 fits \(config.cluster.deviceMemoryGiB.formatted) GiB per device: see vern cluster plan")
        }
        let yaml = YAMLText.render(NxDConfig.entries(config: config, setting: setting), header: """
            NeuronX Distributed Training \(EngineVersions.nxdTraining) config for '\(config.name)', written by vern cluster render.
            tensor parallel \(setting.tensorParallel), ZeRO \(setting.zeroStage), data parallel \(setting.dataParallel): see README.md for the plan.
            """)
        let manifest = BundleManifest(engine: .nxd, name: config.name, jobScript: "train.sbatch", nodes: config.cluster.nodes,
                                      tensorParallel: setting.tensorParallel, zeroStage: setting.zeroStage)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let files = [
            BundleFile("conf/\(config.name).yaml", yaml),
            BundleFile("train.sh", NxDScripts.train(config: config), executable: true),
            BundleFile("train.sbatch", NxDScripts.trainBatch(config: config), executable: true),
            BundleFile("compile.sbatch", NxDScripts.compileBatch(config: config), executable: true),
            BundleFile("convert_to_hf.sh", NxDScripts.convert(config: config, setting: setting), executable: true),
            BundleFile("hf_folder.py", HuggingFaceFolderScript.text),
            BundleFile("model_config.json", HuggingFaceConfigFile.text(shape: config.shape, maxPositions: config.training.seqLen)),
            BundleFile("plan.json", String(decoding: try encoder.encode(plan.rows), as: UTF8.self) + "\n"),
            BundleFile("README.md", readme(config: config, plan: plan, setting: setting)),
            try manifest.file(),
        ]
        return JobBundle(engine: .nxd, files: files, setting: setting)
    }

    static func readme(config: TrainingConfig, plan: Plan, setting: PlanRow) -> String {
        let shared = config.cluster.sharedFolder
        return """
            # \(config.name): NeuronX Distributed Training bundle

            Written by `vern cluster render --engine nxd`. For Neuron SDK \(EngineVersions.neuronSDK):
            `neuronx-distributed-training` \(EngineVersions.nxdTraining) (its repository at commit \(EngineVersions.nxdTrainingCommit.prefix(12))) with the
            `neuronx-distributed`, `torch-neuronx` and `neuronx-cc` of that SDK release.

            NxD cannot run on the machines vern is developed on (no Trainium). This bundle is checked
            against the keys and types NxD Training's example configs and model and data code read, its
            scripts with `bash -n` and shellcheck; it has not been run on Trainium by us.

            | file | what it is |
            | --- | --- |
            | `conf/\(config.name).yaml` | the job config (Hydra) for `training_orchestrator.py` |
            | `train.sh` | one node: torchrun with one process per NeuronCore (`COMPILE=1`: under `neuron_parallel_compile`) |
            | `compile.sbatch` | compiles the graphs into `\(NxDConfig.paths(config).compilerCache)` ahead of training |
            | `train.sbatch` | the training job: `srun --auto-resume=1 ./train.sh` |
            | `convert_to_hf.sh`, `hf_folder.py` | a checkpoint back to a Hugging Face folder with NxD's own converter |
            | `model_config.json` | the model as a Hugging Face config (the converter needs it) |
            | `plan.json`, `bundle.json` | every planned setting; what `vern cluster launch` reads |

            ## Commands

            On the cluster (the lifecycle scripts of `vern cluster infra` install the packages), with this
            folder and the pack folders on FSx for Lustre under `\(shared)`:

            ```bash
            git clone https://github.com/aws-neuron/neuronx-distributed-training \(shared)/neuronx-distributed-training
            git -C \(shared)/neuronx-distributed-training checkout \(EngineVersions.nxdTrainingCommit)   # Neuron SDK \(EngineVersions.neuronSDK)
            cd \(shared)/bundles/\(config.name)     # this folder
            sbatch compile.sbatch                  # once per change of shapes or parallelism
            vern cluster launch .                  # or: sbatch train.sbatch
            ./convert_to_hf.sh \(NxDConfig.paths(config).experiments)/\(config.name)/<version>/checkpoints/\(config.name)--step=<N>-consumed_samples=<M>.ckpt/model hf-out
            vern perplexity --model hf-out ...     # back in vern: generate, perplexity, eval
            ```

            Data: `data.data_prefix` names the Megatron prefixes of our `vern pack` folders (`train`, `valid`,
            `test`, each `PREFIX.bin` + `PREFIX.idx`), blended by the config's weights:
            \(zip(config.data.packs, config.data.weights).map { "`\($0.0)` (\($0.1))" }.joined(separator: ", ")).
            The tokenizer folder is `\(NxDConfig.paths(config).tokenizer)`.

            Starting from pretrained weights: convert the Hugging Face checkpoint to NxD's sharded form first
            (`checkpoint_converter.py --model_style megatron --convert_from_full_state --tp_size \(setting.tensorParallel) ...`)
            and name it in `exp_manager.resume_from_checkpoint`.

            \(PlanSummary.markdown(plan: plan, setting: setting, config: config))
            """
    }
}
