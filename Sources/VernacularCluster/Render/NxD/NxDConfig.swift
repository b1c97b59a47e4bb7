/// The NeuronX Distributed Training job config (Hydra YAML, read by its `training_orchestrator.py`)
/// for one setting of the plan. Keys follow NxDT 1.6's example configs
/// (`examples/conf/megatron_llama_7B_config.yaml`) and what its Megatron model and data module
/// read: `model_source: megatron` is the path on which the data module reads Megatron `.bin/.idx`
/// datasets through `data.data_prefix`.
public enum NxDConfig {
    /// Where things live on the cluster's shared file system.
    struct Paths {
        var experiments: String
        var indexMappings: String
        var compilerCache: String
        var tokenizer: String
    }

    static func paths(_ config: TrainingConfig) -> Paths {
        let root = config.cluster.sharedFolder + "/runs/" + config.name
        return Paths(experiments: root + "/nxd", indexMappings: root + "/index-mappings",
                     compilerCache: config.cluster.sharedFolder + "/neuron-cache",
                     tokenizer: config.tokenizer ?? config.model.huggingFace ?? "TOKENIZER_FOLDER")
    }

    /// Megatron blends: a weight then a path prefix, for each pack folder and split.
    static func dataPrefix(_ data: DataSection, split: String) -> ConfigValue {
        var items: [ConfigValue] = []
        for (folder, weight) in zip(data.packs, data.weights) {
            items.append(.double(weight))
            items.append(.string(folder + "/" + split))
        }
        return .list(items)
    }

    /// How many times NxD repeats each key/value head so that every tensor-parallel rank has one.
    static func kvReplicator(shape: ModelShape, tensorParallel t: Int) -> Int {
        t > shape.kvHeads ? t / shape.kvHeads : 1
    }

    public static func entries(config: TrainingConfig, setting: PlanRow) -> [ConfigEntry] {
        let t = setting.tensorParallel
        let shape = config.shape
        let training = config.training
        let cluster = config.cluster
        let paths = paths(config)
        return [
            ConfigEntry("name", .string(config.name)),
            ConfigEntry("model_source", .string("megatron"), comment: "the Megatron model path is the one whose data module reads .bin/.idx through data_prefix"),
            ConfigEntry("seed", .int(training.seed)),
            ConfigEntry("trainer", .table([
                ConfigEntry("devices", .int(cluster.devicesPerNode)),
                ConfigEntry("num_nodes", .int(cluster.nodes)),
                ConfigEntry("max_epochs", .int(-1)),
                ConfigEntry("max_steps", .int(training.steps)),
                ConfigEntry("log_every_n_steps", .int(10)),
                ConfigEntry("val_check_interval", .int(training.steps + 1), comment: "no validation during training: `vern eval` scores the converted model"),
                ConfigEntry("check_val_every_n_epoch", .null),
                ConfigEntry("num_sanity_val_steps", .int(0)),
                ConfigEntry("limit_val_batches", .double(0)),
                ConfigEntry("limit_test_batches", .double(0)),
                ConfigEntry("gradient_clip_val", .double(1)),
            ])),
            ConfigEntry("exp_manager", .table([
                ConfigEntry("log_local_rank_0_only", .bool(true)),
                ConfigEntry("create_tensorboard_logger", .bool(true)),
                ConfigEntry("explicit_log_dir", .null),
                ConfigEntry("exp_dir", .string(paths.experiments)),
                ConfigEntry("name", .string(config.name)),
                ConfigEntry("resume_if_exists", .bool(true), comment: "a job HyperPod restarts (srun --auto-resume=1) carries on from the last checkpoint"),
                ConfigEntry("resume_ignore_no_checkpoint", .bool(true)),
                ConfigEntry("create_checkpoint_callback", .bool(true)),
                ConfigEntry("checkpoint_callback_params", .table([
                    ConfigEntry("monitor", .string("step")),
                    ConfigEntry("save_top_k", .int(2)),
                    ConfigEntry("mode", .string("max")),
                    ConfigEntry("save_last", .bool(false)),
                    ConfigEntry("filename", .string(config.name + "--{step}-{consumed_samples}")),
                    ConfigEntry("model_parallel_size", .int(t), comment: "tensor × pipeline parallel (no pipeline parallelism)"),
                    ConfigEntry("every_n_train_steps", .int(training.checkpointEvery)),
                ])),
                ConfigEntry("log_parameter_norm", .bool(true)),
                ConfigEntry("log_gradient_norm", .bool(true)),
                ConfigEntry("save_xser", .bool(true)),
                ConfigEntry("load_xser", .bool(true)),
                ConfigEntry("save_bf16", .bool(false)),
                ConfigEntry("async_checkpointing", .bool(false)),
                ConfigEntry("resume_from_checkpoint", .null),
            ])),
            ConfigEntry("distributed_strategy", .table([
                ConfigEntry("tensor_model_parallel_size", .int(t)),
                ConfigEntry("pipeline_model_parallel_size", .int(1)),
                ConfigEntry("virtual_pipeline_model_parallel_size", .int(1)),
                ConfigEntry("zero1", .bool(setting.zeroStage == 1), comment: "ZeRO stage 1: optimizer states split over the data-parallel ranks (the only stage NxD offers)"),
                ConfigEntry("sequence_parallel", .bool(t > 1)),
                ConfigEntry("kv_replicator", .int(kvReplicator(shape: shape, tensorParallel: t))),
            ])),
            ConfigEntry("data", .table([
                ConfigEntry("micro_batch_size", .int(training.microBatch)),
                ConfigEntry("global_batch_size", .int(training.globalBatch)),
                ConfigEntry("data_prefix", .table([
                    ConfigEntry("train", dataPrefix(config.data, split: "train")),
                    ConfigEntry("validation", dataPrefix(config.data, split: "valid")),
                    ConfigEntry("test", dataPrefix(config.data, split: "test")),
                ]), comment: "vern pack folders: weight, then the prefix of PREFIX.bin/PREFIX.idx, per split (our pack has split already)"),
                ConfigEntry("index_mapping_dir", .string(paths.indexMappings)),
                ConfigEntry("data_impl", .string("mmap")),
                ConfigEntry("splits_string", .string("980,10,10"), comment: "unused with per-split prefixes; Megatron's builder still reads it"),
                ConfigEntry("seq_length", .int(training.seqLen)),
                ConfigEntry("skip_warmup", .bool(true)),
                ConfigEntry("num_workers", .int(1)),
                ConfigEntry("dataloader_type", .string("single")),
                ConfigEntry("reset_position_ids", .bool(false)),
                ConfigEntry("reset_attention_mask", .bool(false)),
                ConfigEntry("eod_mask_loss", .bool(false)),
                ConfigEntry("validation_drop_last", .bool(true)),
                ConfigEntry("no_seqlen_plus_one_input_tokens", .bool(false)),
                ConfigEntry("pad_samples_to_global_batch_size", .bool(false)),
                ConfigEntry("tokenizer", .table([
                    ConfigEntry("library", .string("huggingface")),
                    ConfigEntry("type", .string(paths.tokenizer), comment: "the folder holding tokenizer.json (possibly extended by vern tokenizer extend)"),
                    ConfigEntry("model", .null),
                    ConfigEntry("vocab_file", .null),
                    ConfigEntry("merge_file", .null),
                    ConfigEntry("delimiter", .null),
                    ConfigEntry("sentencepiece_legacy", .bool(false)),
                    ConfigEntry("use_fast", .bool(true)),
                ])),
            ])),
            ConfigEntry("model", .table([
                ConfigEntry("encoder_seq_length", .int(training.seqLen)),
                ConfigEntry("max_position_embeddings", .int(training.seqLen)),
                ConfigEntry("num_layers", .int(shape.layers)),
                ConfigEntry("hidden_size", .int(shape.hidden)),
                ConfigEntry("ffn_hidden_size", .int(shape.ffn)),
                ConfigEntry("num_attention_heads", .int(shape.heads)),
                ConfigEntry("num_kv_heads", .int(shape.kvHeads)),
                ConfigEntry("qkv_linear", .bool(shape.kvHeads < shape.heads), comment: "grouped-query attention"),
                ConfigEntry("init_method_std", .double(0.02)),
                ConfigEntry("use_scaled_init_method", .bool(true)),
                ConfigEntry("hidden_dropout", .double(0)),
                ConfigEntry("attention_dropout", .double(0)),
                ConfigEntry("ffn_dropout", .double(0)),
                ConfigEntry("kv_channels", .null),
                ConfigEntry("apply_query_key_layer_scaling", .bool(false)),
                ConfigEntry("normalization", .string("rmsnorm")),
                ConfigEntry("layernorm_epsilon", .double(shape.normEps)),
                ConfigEntry("do_layer_norm_weight_decay", .bool(false)),
                ConfigEntry("make_vocab_size_divisible_by", .int(1), comment: "pad the vocabulary only to a multiple of the tensor-parallel degree; hf_folder.py drops padded rows"),
                ConfigEntry("persist_layer_norm", .bool(true)),
                ConfigEntry("share_embeddings_and_output_weights", .bool(shape.tiedEmbeddings)),
                ConfigEntry("position_embedding_type", .string("rope")),
                ConfigEntry("rotary_percentage", .double(1)),
                ConfigEntry("position_freq_base", .double(shape.ropeTheta), comment: "RoPE theta"),
                ConfigEntry("activation", .string("swiglu")),
                ConfigEntry("transformer_block_type", .string("pre_ln")),
                ConfigEntry("has_bias", .bool(false)),
                ConfigEntry("use_cpu_initialization", .bool(true)),
                ConfigEntry("activations_checkpoint_granularity", .string("selective"), comment: "recompute the attention core, as the plan assumes"),
                ConfigEntry("activations_checkpoint_recompute", .list([.string("CoreAttention")])),
                ConfigEntry("fusions", .table([
                    ConfigEntry("softmax", .bool(true)),
                    ConfigEntry("flash_attention", .bool(true)),
                ])),
                ConfigEntry("optim", .table([
                    ConfigEntry("name", .string("adamw_fp32OptState"), comment: "Adam moments in fp32: the 12 bytes per parameter the plan counts"),
                    ConfigEntry("lr", .double(training.lr)),
                    ConfigEntry("weight_decay", .double(0.1)),
                    ConfigEntry("capturable", .bool(false)),
                    ConfigEntry("betas", .list([.double(0.9), .double(0.95)])),
                    ConfigEntry("sched", .table([
                        ConfigEntry("name", .string("CosineAnnealing")),
                        ConfigEntry("warmup_steps", .int(training.warmup)),
                        ConfigEntry("constant_steps", .int(0)),
                        ConfigEntry("min_lr", .double(training.lr / 10)),
                        ConfigEntry("max_steps", .int(training.steps)),
                    ])),
                ])),
            ])),
            ConfigEntry("precision", .table([
                ConfigEntry("type", .string("mixed_precision"), comment: "bf16 compute, fp32 master weights and optimizer state"),
                ConfigEntry("master_weights", .bool(false)),
                ConfigEntry("fp32_grad_acc", .bool(false)),
                ConfigEntry("xla_use_bf16", .string("0")),
                ConfigEntry("xla_downcast_bf16", .string("0")),
                ConfigEntry("neuron_rt_stochastic_rounding_en", .string("0")),
            ])),
            ConfigEntry("compiler_flags", .string("--model-type transformer --distribution-strategy=llm-training")),
            ConfigEntry("compiler_cache_url", .string(paths.compilerCache)),
            ConfigEntry("aync_exec_max_inflight_requests", .int(5), comment: "NxDT's own spelling of the key"),
            ConfigEntry("bucket_size_collectives", .int(1024)),
            ConfigEntry("neuron_rt_exec_timeout", .int(100)),
            ConfigEntry("neuron_experimental_compress_rg", .bool(false)),
        ]
    }
}
