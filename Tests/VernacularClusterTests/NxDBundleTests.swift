import Foundation
import Testing
import Yams
@testable import VernacularCluster

/// What NxD Training 1.6 reads from its YAML, and as what: the keys of its example configs
/// (examples/conf/megatron_llama_7B_config.yaml, hf_llama3_8B_config.yaml) and the `config.*`
/// reads of its Megatron model, data module and trainer setup. A key outside this table is one NxD
/// ignores (or a typo), so the render may not write it.
enum NxDSchema {
    enum Kind { case int, float, bool, string, nullable, list, table }

    static let keys: [String: Kind] = [
        "name": .string, "model_source": .string, "seed": .int,
        "trainer": .table, "trainer.devices": .int, "trainer.num_nodes": .int, "trainer.max_epochs": .int,
        "trainer.max_steps": .int, "trainer.log_every_n_steps": .int, "trainer.val_check_interval": .int,
        "trainer.check_val_every_n_epoch": .nullable, "trainer.num_sanity_val_steps": .int,
        "trainer.limit_val_batches": .float, "trainer.limit_test_batches": .float, "trainer.gradient_clip_val": .float,
        "exp_manager": .table, "exp_manager.log_local_rank_0_only": .bool, "exp_manager.create_tensorboard_logger": .bool,
        "exp_manager.explicit_log_dir": .nullable, "exp_manager.exp_dir": .string, "exp_manager.name": .string,
        "exp_manager.resume_if_exists": .bool, "exp_manager.resume_ignore_no_checkpoint": .bool,
        "exp_manager.create_checkpoint_callback": .bool, "exp_manager.checkpoint_callback_params": .table,
        "exp_manager.checkpoint_callback_params.monitor": .string, "exp_manager.checkpoint_callback_params.save_top_k": .int,
        "exp_manager.checkpoint_callback_params.mode": .string, "exp_manager.checkpoint_callback_params.save_last": .bool,
        "exp_manager.checkpoint_callback_params.filename": .string,
        "exp_manager.checkpoint_callback_params.model_parallel_size": .int,
        "exp_manager.checkpoint_callback_params.every_n_train_steps": .int,
        "exp_manager.log_parameter_norm": .bool, "exp_manager.log_gradient_norm": .bool, "exp_manager.save_xser": .bool,
        "exp_manager.load_xser": .bool, "exp_manager.save_bf16": .bool, "exp_manager.async_checkpointing": .bool,
        "exp_manager.resume_from_checkpoint": .nullable,
        "distributed_strategy": .table, "distributed_strategy.tensor_model_parallel_size": .int,
        "distributed_strategy.pipeline_model_parallel_size": .int, "distributed_strategy.virtual_pipeline_model_parallel_size": .int,
        "distributed_strategy.zero1": .bool, "distributed_strategy.sequence_parallel": .bool, "distributed_strategy.kv_replicator": .int,
        "data": .table, "data.micro_batch_size": .int, "data.global_batch_size": .int, "data.data_prefix": .table,
        "data.data_prefix.train": .list, "data.data_prefix.validation": .list, "data.data_prefix.test": .list,
        "data.index_mapping_dir": .nullable, "data.data_impl": .string, "data.splits_string": .string, "data.seq_length": .int,
        "data.skip_warmup": .bool, "data.num_workers": .int, "data.dataloader_type": .string, "data.reset_position_ids": .bool,
        "data.reset_attention_mask": .bool, "data.eod_mask_loss": .bool, "data.validation_drop_last": .bool,
        "data.no_seqlen_plus_one_input_tokens": .bool, "data.pad_samples_to_global_batch_size": .bool,
        "data.tokenizer": .table, "data.tokenizer.library": .string, "data.tokenizer.type": .string, "data.tokenizer.model": .nullable,
        "data.tokenizer.vocab_file": .nullable, "data.tokenizer.merge_file": .nullable, "data.tokenizer.delimiter": .nullable,
        "data.tokenizer.sentencepiece_legacy": .bool, "data.tokenizer.use_fast": .bool,
        "model": .table, "model.encoder_seq_length": .int, "model.max_position_embeddings": .int, "model.num_layers": .int,
        "model.hidden_size": .int, "model.ffn_hidden_size": .int, "model.num_attention_heads": .int, "model.num_kv_heads": .int,
        "model.qkv_linear": .bool, "model.init_method_std": .float, "model.use_scaled_init_method": .bool,
        "model.hidden_dropout": .float, "model.attention_dropout": .float, "model.ffn_dropout": .float, "model.kv_channels": .nullable,
        "model.apply_query_key_layer_scaling": .bool, "model.normalization": .string, "model.layernorm_epsilon": .float,
        "model.do_layer_norm_weight_decay": .bool, "model.make_vocab_size_divisible_by": .int, "model.persist_layer_norm": .bool,
        "model.share_embeddings_and_output_weights": .bool, "model.position_embedding_type": .string,
        "model.rotary_percentage": .float, "model.position_freq_base": .float, "model.activation": .string,
        "model.transformer_block_type": .string, "model.has_bias": .bool, "model.use_cpu_initialization": .bool,
        "model.activations_checkpoint_granularity": .string, "model.activations_checkpoint_recompute": .list,
        "model.fusions": .table, "model.fusions.softmax": .bool, "model.fusions.flash_attention": .bool,
        "model.optim": .table, "model.optim.name": .string, "model.optim.lr": .float, "model.optim.weight_decay": .float,
        "model.optim.capturable": .bool, "model.optim.betas": .list, "model.optim.sched": .table, "model.optim.sched.name": .string,
        "model.optim.sched.warmup_steps": .int, "model.optim.sched.constant_steps": .int, "model.optim.sched.min_lr": .float,
        "model.optim.sched.max_steps": .int,
        "precision": .table, "precision.type": .string, "precision.master_weights": .bool, "precision.fp32_grad_acc": .bool,
        "precision.xla_use_bf16": .string, "precision.xla_downcast_bf16": .string, "precision.neuron_rt_stochastic_rounding_en": .string,
        "compiler_flags": .string, "compiler_cache_url": .string, "aync_exec_max_inflight_requests": .int,
        "bucket_size_collectives": .int, "neuron_rt_exec_timeout": .int, "neuron_experimental_compress_rg": .bool,
    ]

    /// Problems with a parsed config: unknown keys, wrong types, missing keys.
    static func problems(in root: [String: Any]) -> [String] {
        var problems: [String] = []
        var seen: Set<String> = []
        func visit(_ table: [String: Any], prefix: String) {
            for (key, value) in table {
                let path = prefix.isEmpty ? key : prefix + "." + key
                seen.insert(path)
                guard let kind = keys[path] else { problems.append("unknown key \(path)"); continue }
                switch (kind, value) {
                case (.int, is Int), (.bool, is Bool), (.string, is String), (.list, is [Any]),
                     (.nullable, is NSNull), (.nullable, is String):
                    break
                case (.float, let number) where number is Double || number is Int:
                    break
                case (.table, let inner as [String: Any]):
                    visit(inner, prefix: path)
                default:
                    problems.append("\(path): \(value) is not \(kind)")
                }
            }
        }
        visit(root, prefix: "")
        for key in keys.keys where !seen.contains(key) { problems.append("missing key \(key)") }
        return problems
    }
}

@Suite struct NxDBundleTests {
    @Test func rendersAConfigNxDAccepts() throws {
        let root = try temporaryFolder("nxd")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let config = try bundleConfig(root: root)
        let bundle = try BundleRenderer.render(config: config, engine: .nxd)
        let folder = root + "/bundle"
        try bundle.write(to: folder)

        let text = try String(contentsOfFile: folder + "/conf/yue-7b.yaml", encoding: .utf8)
        let parsed = try #require(try Yams.load(yaml: text) as? [String: Any])
        #expect(NxDSchema.problems(in: parsed) == [])

        let strategy = try #require(parsed["distributed_strategy"] as? [String: Any])
        // 2 nodes × 32 NeuronCores of 16 GiB: the planner's lowest fitting degree with ZeRO 0/1 is 4.
        #expect(strategy["tensor_model_parallel_size"] as? Int == bundle.setting.tensorParallel)
        #expect(bundle.setting.tensorParallel == 4 && bundle.setting.zeroStage == 1)
        #expect(strategy["zero1"] as? Bool == true)
        #expect(strategy["sequence_parallel"] as? Bool == true)
        #expect(parsed["model_source"] as? String == "megatron")

        // data_prefix: weight, prefix pairs naming the real .bin/.idx of both packs.
        let data = try #require(parsed["data"] as? [String: Any])
        let prefixes = try #require(data["data_prefix"] as? [String: Any])
        let train = try #require(prefixes["train"] as? [Any])
        #expect(train.count == 4)
        #expect(train[0] as? Double == 2.0 && train[2] as? Double == 1.0)
        for case let prefix as String in train {
            #expect(prefix.hasPrefix("/"))
            #expect(FileManager.default.fileExists(atPath: prefix + ".bin") && FileManager.default.fileExists(atPath: prefix + ".idx"), "\(prefix)")
        }
        #expect((prefixes["validation"] as? [Any])?.compactMap { $0 as? String } == [root + "/packs/talk/valid", root + "/packs/news/valid"])
        #expect(data["global_batch_size"] as? Int == 256 && data["seq_length"] as? Int == 4096)
        let tokenizer = try #require(data["tokenizer"] as? [String: Any])
        #expect(tokenizer["type"] as? String == root + "/tokenizer")

        let model = try #require(parsed["model"] as? [String: Any])
        #expect(model["num_kv_heads"] as? Int == 8 && model["ffn_hidden_size"] as? Int == 14336)
        let manager = try #require(parsed["exp_manager"] as? [String: Any])
        #expect(manager["resume_if_exists"] as? Bool == true)
        let checkpoints = try #require(manager["checkpoint_callback_params"] as? [String: Any])
        #expect(checkpoints["every_n_train_steps"] as? Int == 250)
    }

    @Test func scriptsLaunchCompileAndConvert() throws {
        let root = try temporaryFolder("nxd-scripts")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let config = try bundleConfig(root: root)
        let bundle = try BundleRenderer.render(config: config, engine: .nxd)
        let folder = root + "/bundle"
        try bundle.write(to: folder)
        func read(_ name: String) throws -> String { try String(contentsOfFile: folder + "/" + name, encoding: .utf8) }

        let batch = try read("train.sbatch")
        #expect(batch.contains("#SBATCH --nodes=2"))
        #expect(batch.contains("srun --auto-resume=1 ./train.sh"))
        #expect(try read("compile.sbatch").contains("COMPILE=1 srun ./train.sh"))
        let train = try read("train.sh")
        #expect(train.contains("neuron_parallel_compile"))
        #expect(train.contains("training_orchestrator.py --config-path=\"$bundle/conf\" --config-name=yue-7b"))
        #expect(train.contains("--nproc_per_node 32"))
        let convert = try read("convert_to_hf.sh")
        #expect(convert.contains("checkpoint_converter.py"))
        #expect(convert.contains("--convert_to_full_state") && convert.contains("--tp_size 4") && convert.contains("--load_xser True"))
        let attributes = try FileManager.default.attributesOfItem(atPath: folder + "/train.sh")
        #expect((attributes[.posixPermissions] as? Int) == 0o755)
        #expect(try checkShellScripts(["train.sh", "train.sbatch", "compile.sbatch", "convert_to_hf.sh"].map { folder + "/" + $0 }) == [])

        // The Hugging Face config the converter and hf_folder.py read.
        let hf = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/model_config.json"))) as? [String: Any])
        #expect(hf["num_key_value_heads"] as? Int == 8 && hf["vocab_size"] as? Int == 128_256 && hf["model_type"] as? String == "llama")
        if let python = which("python3") {
            let compiled = try runProcess(python, ["-m", "py_compile", folder + "/hf_folder.py"])
            #expect(compiled.status == 0, "\(compiled.error)")
        }

        let readme = try read("README.md")
        #expect(readme.contains("neuronx-distributed-training` 1.6.0") && readme.contains("Neuron SDK 2.26.0"))
        #expect(readme.contains("tensor parallel 4, data parallel 16, ZeRO stage 1"))
        #expect(readme.contains(String(format: "%.1f days", Planner().plan(config).throughput.days)))
        let manifest = try BundleManifest.read(bundle: folder)
        #expect(manifest == BundleManifest(engine: .nxd, name: "yue-7b", jobScript: "train.sbatch", nodes: 2, tensorParallel: 4, zeroStage: 1))
    }

    @Test func refusesGPUsAndSettingsThatDoNotFit() throws {
        let root = try temporaryFolder("nxd-refuse")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let gpus = try bundleConfig(root: root, device: "h100", nodes: 1, devicesPerNode: 8, memory: 80)
        #expect(throws: ClusterError.self) { try BundleRenderer.render(config: gpus, engine: .nxd) }
        // 7.5B on one NeuronCore of 16 GiB: nothing fits.
        let tiny = try bundleConfig(root: root, nodes: 1, devicesPerNode: 1)
        do {
            _ = try BundleRenderer.render(config: tiny, engine: .nxd)
            Issue.record("rendered a setting that does not fit")
        } catch let error as ClusterError {
            #expect("\(error)".contains("fits"))
        }
    }

    @Test func refusesAPackWithMoreIdsThanTheModel() throws {
        let root = try temporaryFolder("nxd-vocab")
        defer { try? FileManager.default.removeItem(atPath: root) }
        // The fixture tokenizer has 1,500 ids; a model of 1,000 rows cannot embed them.
        let config = try bundleConfig(root: root, model: "{layers: 2, hidden: 64, heads: 4, kv_heads: 2, ffn: 128, vocab: 1000}")
        do {
            _ = try BundleRenderer.render(config: config, engine: .nxd)
            Issue.record("rendered a bundle whose data the model cannot embed")
        } catch {
            #expect("\(error)".contains("more than the model's vocab of 1000"), "\(error)")
        }
        let bigger = try bundleConfig(root: root, model: "{layers: 2, hidden: 64, heads: 4, kv_heads: 2, ffn: 128, vocab: 2000}")
        try FileManager.default.removeItem(atPath: root + "/packs/news/train.idx")
        #expect(throws: ClusterError.self) { try BundleRenderer.render(config: bigger, engine: .torchtitan) }
    }
}

