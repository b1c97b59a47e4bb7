/// torchtitan's TOML job config for one setting of the plan (torchtitan 0.2.2, `--job.config_file`):
/// FSDP2 over the data-parallel ranks, tensor parallelism (with sequence parallelism on the norms,
/// which torchtitan's llama3 applies) within a node, selective activation checkpointing.
public enum TorchtitanJobConfig {
    /// FSDP2 shards parameters, gradients and optimizer states: ZeRO-3 when it frees the gathered
    /// parameters after each forward, ZeRO-2 when it keeps them until the backward.
    static func reshardAfterForward(zeroStage: Int) -> String {
        zeroStage >= 3 ? "always" : "never"
    }

    public static func entries(config: TrainingConfig, setting: PlanRow) -> [ConfigEntry] {
        let training = config.training
        let root = config.cluster.sharedFolder + "/runs/" + config.name + "/torchtitan"
        let sharded = setting.dataParallel > 1
        return [
            ConfigEntry("job", .table([
                ConfigEntry("dump_folder", .string(root), comment: "checkpoints and logs go under here, on the shared file system"),
                ConfigEntry("description", .string("vern cluster: \(config.name)")),
            ])),
            ConfigEntry("metrics", .table([
                ConfigEntry("log_freq", .int(10)),
                ConfigEntry("enable_tensorboard", .bool(true)),
            ])),
            ConfigEntry("model", .table([
                ConfigEntry("name", .string("vern_llama3"), comment: "registered by vern_megatron.py (experimental.custom_import)"),
                ConfigEntry("flavor", .string("vern")),
                ConfigEntry("hf_assets_path", .string(config.tokenizer ?? config.model.huggingFace ?? "."),
                            comment: "the tokenizer's folder; the data is tokenised already"),
            ])),
            ConfigEntry("optimizer", .table([
                ConfigEntry("name", .string("AdamW")),
                ConfigEntry("lr", .double(training.lr)),
                ConfigEntry("eps", .double(1e-8)),
                ConfigEntry("weight_decay", .double(0.1)),
            ])),
            ConfigEntry("lr_scheduler", .table([
                ConfigEntry("warmup_steps", .int(training.warmup)),
                ConfigEntry("decay_type", .string("cosine")),
                ConfigEntry("min_lr_factor", .double(0.1)),
            ])),
            ConfigEntry("training", .table([
                ConfigEntry("dataset", .string("vern_megatron")),
                ConfigEntry("dataset_path", .string("data.json"), comment: "the blend of vern pack shards, relative to this bundle"),
                ConfigEntry("local_batch_size", .int(training.microBatch)),
                ConfigEntry("global_batch_size", .int(training.globalBatch), comment: "torchtitan accumulates gradients up to it"),
                ConfigEntry("seq_len", .int(training.seqLen)),
                ConfigEntry("max_norm", .double(1)),
                ConfigEntry("steps", .int(training.steps)),
                ConfigEntry("mixed_precision_param", .string("bfloat16"), comment: "bf16 compute over fp32 master weights: the 16 bytes per parameter the plan counts"),
                ConfigEntry("mixed_precision_reduce", .string("float32")),
            ])),
            ConfigEntry("parallelism", .table([
                ConfigEntry("data_parallel_replicate_degree", .int(1)),
                ConfigEntry("data_parallel_shard_degree", .int(sharded ? -1 : 1), comment: "-1: FSDP2 over every rank tensor parallelism leaves"),
                ConfigEntry("fsdp_reshard_after_forward", .string(reshardAfterForward(zeroStage: setting.zeroStage)),
                            comment: "ZeRO stage \(setting.zeroStage) in the plan"),
                ConfigEntry("tensor_parallel_degree", .int(setting.tensorParallel)),
                ConfigEntry("pipeline_parallel_degree", .int(1)),
                ConfigEntry("context_parallel_degree", .int(1)),
            ])),
            ConfigEntry("checkpoint", .table(checkpoint(config: config))),

            ConfigEntry("activation_checkpoint", .table([
                ConfigEntry("mode", .string("selective"), comment: "recompute as the plan assumes (its activations are the tp+sp+selective count)"),
                ConfigEntry("selective_ac_option", .string("op")),
            ])),
            ConfigEntry("compile", .table([
                ConfigEntry("enable", .bool(false)),
            ])),
            ConfigEntry("experimental", .table([
                ConfigEntry("custom_import", .string("vern_megatron"), comment: "this bundle's module: the train spec and the Megatron data loader"),
            ])),
            ConfigEntry("validation", .table([
                ConfigEntry("enable", .bool(false)),
            ])),
            ConfigEntry("debug", .table([
                ConfigEntry("seed", .int(training.seed)),
            ])),
        ]
    }

    /// Checkpoints every `checkpoint_every` steps; with `model.hf` the job starts from those weights
    /// (prepared by prepare_initial.py into the bundle's `initial/`) when it has no checkpoint yet.
    static func checkpoint(config: TrainingConfig) -> [ConfigEntry] {
        var entries = [
            ConfigEntry("enable", .bool(true)),
            ConfigEntry("folder", .string("checkpoint")),
            ConfigEntry("interval", .int(config.training.checkpointEvery)),
            ConfigEntry("last_save_model_only", .bool(true)),
            ConfigEntry("export_dtype", .string("bfloat16")),
            ConfigEntry("async_mode", .string("disabled")),
            ConfigEntry("keep_latest_k", .int(2)),
        ]
        if config.model.huggingFace != nil {
            entries += [
                ConfigEntry("initial_load_path", .string("initial"), comment: "relative to the bundle: python3 prepare_initial.py writes it"),
                ConfigEntry("initial_load_in_hf", .bool(true)),
                ConfigEntry("initial_load_model_only", .bool(true)),
            ]
        }
        return entries
    }
}

