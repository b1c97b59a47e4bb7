import Foundation
import Testing
import VernacularPack
@testable import VernacularCluster

/// The keys torchtitan 0.2.2's `JobConfig` dataclasses (torchtitan/config/job_config.py) define for
/// the sections the bundle writes, with their types. tyro rejects unknown keys, so a key outside this
/// table would stop the job at start-up.
enum TorchtitanSchema {
    enum Kind { case int, float, bool, string }

    static let keys: [String: [String: Kind]] = [
        "job": ["config_file": .string, "dump_folder": .string, "description": .string, "print_config": .bool,
                "save_config_file": .string, "custom_config_module": .string],
        "metrics": ["log_freq": .int, "enable_tensorboard": .bool, "disable_color_printing": .bool, "save_tb_folder": .string,
                    "save_for_all_ranks": .bool, "enable_wandb": .bool],
        "model": ["name": .string, "flavor": .string, "hf_assets_path": .string, "tokenizer_path": .string,
                  "print_after_conversion": .bool],
        "optimizer": ["name": .string, "lr": .float, "eps": .float, "weight_decay": .float, "implementation": .string,
                      "early_step_in_backward": .bool],
        "lr_scheduler": ["warmup_steps": .int, "total_steps": .int, "decay_ratio": .float, "decay_type": .string,
                         "min_lr_factor": .float],
        "training": ["dataset": .string, "dataset_path": .string, "local_batch_size": .int, "global_batch_size": .int,
                     "seq_len": .int, "max_norm": .float, "steps": .int, "enable_cpu_offload": .bool, "dtype": .string,
                     "mixed_precision_param": .string, "mixed_precision_reduce": .string, "gc_freq": .int, "gc_debug": .bool],
        "parallelism": ["data_parallel_replicate_degree": .int, "data_parallel_shard_degree": .int,
                        "fsdp_reshard_after_forward": .string, "tensor_parallel_degree": .int, "disable_loss_parallel": .bool,
                        "enable_async_tensor_parallel": .bool, "pipeline_parallel_degree": .int, "context_parallel_degree": .int,
                        "expert_parallel_degree": .int],
        "checkpoint": ["enable": .bool, "folder": .string, "interval": .int, "initial_load_path": .string,
                       "initial_load_model_only": .bool, "initial_load_in_hf": .bool, "last_save_model_only": .bool,
                       "last_save_in_hf": .bool, "export_dtype": .string, "async_mode": .string, "keep_latest_k": .int,
                       "load_step": .int, "enable_first_step_checkpoint": .bool, "create_seed_checkpoint": .bool, "load_only": .bool],
        "activation_checkpoint": ["mode": .string, "selective_ac_option": .string, "early_stop": .bool, "memory_budget": .float,
                                  "preserve_rng_state": .bool, "debug": .bool],
        "compile": ["enable": .bool, "backend": .string],
        "experimental": ["custom_import": .string, "custom_args_module": .string],
        "validation": ["enable": .bool, "dataset": .string, "dataset_path": .string, "local_batch_size": .int, "seq_len": .int,
                       "freq": .int, "steps": .int],
        "debug": ["seed": .int, "deterministic": .bool, "deterministic_warn_only": .bool],
    ]

    /// Literal values torchtitan 0.2.2 restricts some keys to (`Literal[...]` in job_config.py).
    static let allowed: [String: Set<String>] = [
        "parallelism.fsdp_reshard_after_forward": ["default", "always", "never"],
        "training.mixed_precision_param": ["bfloat16", "float32"],
        "training.mixed_precision_reduce": ["float32"],
        "lr_scheduler.decay_type": ["linear", "sqrt", "cosine"],
        "checkpoint.export_dtype": ["float16", "bfloat16", "float32"],
        "checkpoint.async_mode": ["disabled", "async", "async_with_pinned_mem"],
        "activation_checkpoint.mode": ["selective", "full", "memory_budget", "none"],
    ]

    /// `root` as `parseTOML` gives it: each value a pair of its Python type name and the value.
    static func problems(in root: [String: Any]) -> [String] {
        var problems: [String] = []
        let names: [Kind: String] = [.int: "int", .float: "float", .bool: "bool", .string: "str"]
        for (section, value) in root {
            guard let known = keys[section] else { problems.append("unknown section [\(section)]"); continue }
            guard let table = value as? [String: Any] else { problems.append("[\(section)] is not a table"); continue }
            for (key, value) in table {
                guard let kind = known[key] else { problems.append("unknown key \(section).\(key)"); continue }
                guard let pair = value as? [Any], let type = pair.first as? String else { problems.append("\(section).\(key): no type"); continue }
                // A whole number is a valid float to tyro; a float is not a valid int.
                if type != names[kind] && !(kind == .float && type == "int") {
                    problems.append("\(section).\(key) is \(type), not \(names[kind]!)")
                }
                if let values = allowed[section + "." + key], let text = pair.last as? String, !values.contains(text) {
                    problems.append("\(section).\(key) = \(text) is not one of \(values.sorted())")
                }
            }
        }
        return problems
    }
}

/// The TOML as Python's tomllib reads it (what tomli, torchtitan's parser, reads alike), as JSON.
func parseTOML(_ path: String) throws -> [String: Any]? {
    guard let python = which("python3") else { return nil }
    // Tables stay tables; every other value becomes [type name, value], so bool, int and float
    // stay apart after the trip through JSON.
    let script = """
        import json, sys, tomllib
        def typed(v):
            return {k: typed(x) for k, x in v.items()} if isinstance(v, dict) else [type(v).__name__, v]
        print(json.dumps(typed(tomllib.load(open(sys.argv[1], 'rb')))))
        """
    let result = try runProcess(python, ["-c", script, path])
    if result.status != 0 {
        if result.error.contains("No module named 'tomllib'") { return nil }
        throw ClusterError.bundle(path: path, reason: result.error)
    }
    return try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
}

@Suite struct TorchtitanBundleTests {
    @Test func rendersAJobConfigTorchtitanAccepts() throws {
        let root = try temporaryFolder("tt")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let config = try bundleConfig(root: root, device: "h100", nodes: 2, devicesPerNode: 8, memory: 80)
        let bundle = try BundleRenderer.render(config: config, engine: .torchtitan)
        let folder = root + "/bundle"
        try bundle.write(to: folder)
        guard let parsed = try parseTOML(folder + "/job.toml") else {
            print("note: skipped the TOML check: python3 with tomllib (3.11+) is not installed")
            return
        }
        #expect(TorchtitanSchema.problems(in: parsed) == [])
        func value(_ section: String, _ key: String) -> Any? { ((parsed[section] as? [String: Any])?[key] as? [Any])?.last }
        // 7.5B on 16 H100s: t = 1 with ZeRO 2 (15 GB of weights, 6.6 GB of sharded gradients and
        // optimizer, 25 GB of activations) fits 0.9 × 80 GiB.
        #expect(bundle.setting.tensorParallel == 1 && bundle.setting.zeroStage == 2)
        #expect(value("parallelism", "tensor_parallel_degree") as? Int == 1)
        #expect(value("parallelism", "data_parallel_shard_degree") as? Int == -1)
        #expect(value("parallelism", "fsdp_reshard_after_forward") as? String == "never")
        #expect(value("training", "seq_len") as? Int == 4096 && value("training", "global_batch_size") as? Int == 256)
        #expect(value("training", "steps") as? Int == 2000 && value("training", "dataset_path") as? String == "data.json")
        #expect(value("experimental", "custom_import") as? String == "vern_megatron")
        #expect(value("model", "name") as? String == "vern_llama3")
        #expect(value("checkpoint", "interval") as? Int == 250)
        #expect(value("optimizer", "lr") as? Double == 1.5e-4)
    }

    @Test func tensorParallelWhenFSDPAloneDoesNotFit() throws {
        let root = try temporaryFolder("tt-tp")
        defer { try? FileManager.default.removeItem(atPath: root) }
        // One node of 8 A100s of 40 GiB: at t = 1 even ZeRO 3 needs 15 GB of states and 25 GB of
        // activations, over the 38.7 GB usable; t = 2 with ZeRO 2 needs 33 GB.
        let config = try bundleConfig(root: root, device: "a100", nodes: 1, devicesPerNode: 8, memory: 40)
        let bundle = try BundleRenderer.render(config: config, engine: .torchtitan)
        try bundle.write(to: root + "/bundle")
        #expect(bundle.setting.tensorParallel == 2 && bundle.setting.zeroStage == 2)
        if let parsed = try parseTOML(root + "/bundle/job.toml") {
            #expect(((parsed["parallelism"] as? [String: Any])?["tensor_parallel_degree"] as? [Any])?.last as? Int == 2)
            #expect(TorchtitanSchema.problems(in: parsed) == [])
        }
    }

    @Test func scriptsAndReadme() throws {
        let root = try temporaryFolder("tt-scripts")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let config = try bundleConfig(root: root, device: "h100", nodes: 2, devicesPerNode: 8, memory: 80)
        let folder = root + "/bundle"
        try BundleRenderer.render(config: config, engine: .torchtitan).write(to: folder)
        func read(_ name: String) throws -> String { try String(contentsOfFile: folder + "/" + name, encoding: .utf8) }
        let train = try read("train.sh")
        #expect(train.contains("torchrun") && train.contains("-m torchtitan.train --job.config_file \"$bundle/job.toml\""))
        #expect(train.contains("NPROC_PER_NODE:=8"))
        #expect(try read("train.sbatch").contains("srun --auto-resume=1 ./train.sh"))
        let convert = try read("convert_to_hf.sh")
        #expect(convert.contains("scripts/checkpoint_conversion/convert_to_hf.py") && convert.contains("--model_name vern_llama3"))
        #expect(try read("requirements.txt").contains("torchtitan==0.2.2"))
        #expect(try checkShellScripts(["train.sh", "train.sbatch", "convert_to_hf.sh"].map { folder + "/" + $0 }) == [])
        if let python = which("python3") {
            for script in ["vern_megatron.py", "megatron_reader.py"] {
                let compiled = try runProcess(python, ["-m", "py_compile", folder + "/" + script])
                #expect(compiled.status == 0, "\(script): \(compiled.error)")
            }
        }
        let hf = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/model_config.json"))) as? [String: Any])
        #expect(hf["tie_word_embeddings"] as? Bool == false)
        let readme = try read("README.md")
        #expect(readme.contains("torchtitan 0.2.2") && readme.contains("torch 2.11.0"))
        #expect(readme.contains(String(format: "%.0f tokens/s", Planner().plan(config).throughput.tokensPerSecond)))
    }
}

/// The dataset adapter, run with python3 and numpy on real `vern pack` output.
@Suite struct MegatronReaderTests {
    func renderedReader(root: String) throws -> (String, TrainingConfig) {
        let config = try bundleConfig(root: root, device: "h100", nodes: 1, devicesPerNode: 8, memory: 80)
        try BundleRenderer.render(config: config, engine: .torchtitan).write(to: root + "/bundle")
        return (root + "/bundle/megatron_reader.py", config)
    }

    @Test func readsTheSameTokensAsVern() throws {
        guard let python = pythonWithNumpy else {
            print("note: skipped the dataset adapter check: python3 with numpy is not installed")
            return
        }
        let root = try temporaryFolder("reader")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (script, _) = try renderedReader(root: root)
        for pack in ["talk", "news"] {
            let prefix = root + "/packs/\(pack)/train"
            let reader = try IndexedDatasetReader(prefix: prefix)
            let result = try runProcess(python, [script, "documents", prefix])
            #expect(result.status == 0, "\(result.error)")
            let documents = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [[Int]])
            let expected = (0..<reader.documentCount).map { reader.tokens(document: $0).map(Int.init) }
            #expect(documents == expected)
            #expect(documents.count >= 4 && documents.allSatisfy { $0.last == 0 })  // each ends in the EOD token
        }
    }

    /// Windows of seq_len + 1 tokens over documents blended 2:1 by smooth weighted round-robin,
    /// computed here independently from the Swift reader.
    @Test func blendsIntoWindows() throws {
        guard let python = pythonWithNumpy else {
            print("note: skipped the blend check: python3 with numpy is not installed")
            return
        }
        let root = try temporaryFolder("blend")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (script, _) = try renderedReader(root: root)
        let talk = try IndexedDatasetReader(prefix: root + "/packs/talk/train")
        let news = try IndexedDatasetReader(prefix: root + "/packs/news/train")
        // Smooth weighted round-robin with weights 2/3, 1/3: talk, news, talk, talk, news, talk, ...
        var credits = [0.0, 0.0]
        var positions = [0, 0]
        var stream: [Int] = []
        let readers = [talk, news]
        while stream.count < 6 * 33 {
            credits[0] += 2.0 / 3; credits[1] += 1.0 / 3
            let k = credits[0] >= credits[1] ? 0 : 1
            credits[k] -= 1
            let reader = readers[k]
            stream += reader.tokens(document: positions[k] % reader.documentCount).map(Int.init)
            positions[k] += 1
        }
        let expected = (0..<6).map { Array(stream[($0 * 33)..<($0 * 33 + 33)]) }
        let result = try runProcess(python, [script, "windows", root + "/bundle/data.json", "32", "6"])
        #expect(result.status == 0, "\(result.error)")
        let windows = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [[Int]])
        #expect(windows == expected)

        // Rank 1 of 2 reads only odd-numbered documents.
        let odd = try runProcess(python, [script, "windows", root + "/bundle/data.json", "8", "1", "1", "2"])
        let first = try #require((try JSONSerialization.jsonObject(with: Data(odd.output.utf8)) as? [[Int]])?.first)
        #expect(Array(first.prefix(min(9, talk.tokens(document: 1).count))) == Array(talk.tokens(document: 1).map(Int.init).prefix(9)))
    }

    @Test func rejectsAFileThatIsNotAnIndex() throws {
        guard let python = pythonWithNumpy else { return }
        let root = try temporaryFolder("bad-index")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (script, _) = try renderedReader(root: root)
        try Data("not an index at all, just text".utf8).write(to: URL(fileURLWithPath: root + "/bad.idx"))
        try Data().write(to: URL(fileURLWithPath: root + "/bad.bin"))
        let result = try runProcess(python, [script, "documents", root + "/bad"])
        #expect(result.status != 0)
        #expect(result.error.contains("not a Megatron index"))
    }
}

/// torchtitan's own config parser on the rendered TOML, where `make bench` (bench/cluster) left a
/// venv with torchtitan 0.2.2, or VERN_TORCHTITAN_PYTHON names one; skipped otherwise (torch is large).
@Suite struct TorchtitanParserTests {
    static let python: String? = {
        if let named = ProcessInfo.processInfo.environment["VERN_TORCHTITAN_PYTHON"] { return named }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let venv = packageRoot + "/bench/out/cluster/venv/bin/python"
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
    }()

    @Test func torchtitanParsesTheJobConfig() throws {
        guard let python = Self.python else {
            print("note: skipped torchtitan's own parser: no venv with torchtitan (bench/cluster/run.sh makes one)")
            return
        }
        let root = try temporaryFolder("tt-parser")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let config = try bundleConfig(root: root, device: "a100", nodes: 1, devicesPerNode: 8, memory: 40)
        try BundleRenderer.render(config: config, engine: .torchtitan).write(to: root + "/bundle")
        let script = """
            import sys
            from torchtitan.config import ConfigManager
            c = ConfigManager().parse_args(["--job.config_file", sys.argv[1]])
            print(c.parallelism.tensor_parallel_degree, c.parallelism.fsdp_reshard_after_forward, c.training.seq_len, c.model.name)
            """
        let result = try runProcess(python, ["-c", script, root + "/bundle/job.toml"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.split(separator: "\n").last == "2 never 4096 vern_llama3")
        // The parser rejects a misspelt key, so the check above has teeth.
        let text = try String(contentsOfFile: root + "/bundle/job.toml", encoding: .utf8)
        try text.replacingOccurrences(of: "keep_latest_k", with: "keep_latest").write(toFile: root + "/bad.toml", atomically: true, encoding: .utf8)
        let bad = try runProcess(python, ["-c", script, root + "/bad.toml"])
        #expect(bad.status != 0 && bad.error.contains("keep_latest"))
    }
}

@Suite struct TorchtitanContinuedPretrainingTests {
    /// With `model.hf` the job starts from the folder's weights: torchtitan's HF loader reads the
    /// bundle's `initial/`, which prepare_initial.py writes (tied embeddings written out as lm_head).
    @Test func startsFromTheHuggingFaceFolder() throws {
        let root = try temporaryFolder("tt-hf")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let hf = root + "/smollm2"
        try FileManager.default.createDirectory(atPath: hf, withIntermediateDirectories: true)
        try """
            {"num_hidden_layers": 30, "hidden_size": 576, "num_attention_heads": 9, "num_key_value_heads": 3,
             "intermediate_size": 1536, "vocab_size": 49152, "tie_word_embeddings": true, "rope_theta": 100000}
            """.write(toFile: hf + "/config.json", atomically: true, encoding: .utf8)
        let config = try bundleConfig(root: root, device: "h100", nodes: 1, devicesPerNode: 8, memory: 80,
                                      model: "{hf: smollm2}", seqLen: 2048)
        #expect(config.shape.tiedEmbeddings && config.shape.heads == 9)
        let folder = root + "/bundle"
        try BundleRenderer.render(config: config, engine: .torchtitan).write(to: folder)
        let train = try String(contentsOfFile: folder + "/train.sh", encoding: .utf8)
        #expect(train.contains("prepare_initial.py \(hf) initial"))
        #expect(try checkShellScripts([folder + "/train.sh"]) == [])
        if let parsed = try parseTOML(folder + "/job.toml") {
            #expect(TorchtitanSchema.problems(in: parsed) == [])
            let checkpoint = try #require(parsed["checkpoint"] as? [String: Any])
            #expect((checkpoint["initial_load_path"] as? [Any])?.last as? String == "initial")
            #expect((checkpoint["initial_load_in_hf"] as? [Any])?.last as? Bool == true)
            #expect((checkpoint["initial_load_model_only"] as? [Any])?.last as? Bool == true)
            #expect(((parsed["parallelism"] as? [String: Any])?["tensor_parallel_degree"] as? [Any])?.last as? Int == 1)
        }
        if let python = which("python3") {
            let compiled = try runProcess(python, ["-m", "py_compile", folder + "/prepare_initial.py"])
            #expect(compiled.status == 0, "\(compiled.error)")
        }
        // From scratch there is nothing to load and no initial_load keys.
        let scratch = try bundleConfig(root: root, device: "h100", nodes: 1, devicesPerNode: 8, memory: 80)
        let job = try TorchtitanJobConfig.entries(config: scratch, setting: BundleRenderer.render(config: scratch, engine: .torchtitan).setting)
        #expect(job.first { $0.key == "checkpoint" }?.value["initial_load_path"] == nil)
    }
}
