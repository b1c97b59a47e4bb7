import Foundation
import VernacularCore
import Yams

/// One cluster training job as `vern cluster` reads it from YAML: the model, tokenizer, data,
/// training schedule and cluster. Relative paths are resolved against the file's folder.
public struct TrainingConfig: Sendable, Equatable {
    /// The job's name: bundle files, the Slurm job and checkpoints carry it.
    public var name: String
    public var model: ModelSection
    public var tokenizer: String?
    public var data: DataSection
    public var training: TrainingSection
    public var cluster: ClusterSection
    /// The file it came from, for messages.
    public var file: String

    public var shape: ModelShape { model.shape }
    /// Parameters as the config states them, or counted from the shape.
    public var parameterCount: Double { model.parameters ?? model.shape.parameterCount }

    static let topLevelKeys = ["name", "model", "tokenizer", "data", "training", "cluster"]
}

/// `model:`: a Hugging Face folder, or the shape alone (enough to plan).
public struct ModelSection: Sendable, Equatable {
    /// The folder holding config.json (and the weights a run starts from), if given.
    public var huggingFace: String?
    /// A stated parameter count overrides the count from the shape (for shapes with parts the
    /// shape does not describe).
    public var parameters: Double?
    public var shape: ModelShape

    struct File: Decodable, KnownKeys {
        var hf: String?
        var parameters: Double?
        var layers: Int?
        var hidden: Int?
        var heads: Int?
        var kv_heads: Int?
        var ffn: Int?
        var vocab: Int?
        var tied_embeddings: Bool?
        var rope_theta: Double?
        var norm_eps: Double?

        static let knownKeys = ["hf", "parameters", "layers", "hidden", "heads", "kv_heads", "ffn", "vocab",
                                "tied_embeddings", "rope_theta", "norm_eps"]
    }
}

/// `data:`: `vern pack` folders, blended by weight.
public struct DataSection: Sendable, Equatable {
    public var packs: [String]
    public var weights: [Double]

    struct File: Decodable, KnownKeys {
        var pack: [String]
        var weights: [Double]?
        static let knownKeys = ["pack", "weights"]
    }
}

/// `training:`: the schedule; defaults are the issue's example, a continued-pretraining run.
public struct TrainingSection: Sendable, Equatable {
    public var seqLen = 4096
    public var globalBatch = 1024
    public var microBatch = 1
    public var steps = 10_000
    public var lr = 1.5e-4
    public var warmup = 100
    /// bf16 mixed precision (16-bit weights and activations, fp32 master weights and Adam moments):
    /// the setting the ZeRO paper's 16 bytes per parameter assume.
    public var precision = "bf16"
    public var checkpointEvery = 500
    public var seed = 1234

    public init() {}

    struct File: Decodable, KnownKeys {
        var seq_len: Int?
        var global_batch: Int?
        var micro_batch: Int?
        var steps: Int?
        var lr: Double?
        var warmup: Int?
        var precision: String?
        var checkpoint_every: Int?
        var seed: Int?
        static let knownKeys = ["seq_len", "global_batch", "micro_batch", "steps", "lr", "warmup", "precision",
                                "checkpoint_every", "seed"]
    }

    /// Tokens one optimizer step consumes.
    public var tokensPerStep: Double { Double(globalBatch) * Double(seqLen) }
}

/// `cluster:`: how many of which device.
public struct ClusterSection: Sendable, Equatable {
    public var nodes: Int
    public var devicesPerNode: Int
    public var device: DeviceKind
    /// GiB per device (HBM as vendors quote it).
    public var deviceMemoryGiB: Double
    /// Model-FLOPs utilisation the time estimate assumes: 40% is what well-tuned dense runs of
    /// this size report (PaLM 46%, Llama 3 38-43% on H100); a first run on a new stack is lower.
    public var mfu: Double
    /// Where FSx for Lustre is mounted on every node (HyperPod's lifecycle scripts use /fsx).
    public var sharedFolder: String

    public var deviceCount: Int { nodes * devicesPerNode }
    public var deviceMemoryBytes: Double { deviceMemoryGiB * 1_073_741_824 }

    struct File: Decodable, KnownKeys {
        var nodes: Int?
        var devices_per_node: Int?
        var device: DeviceKind
        var device_memory_gb: Double?
        var mfu: Double?
        var shared_folder: String?
        static let knownKeys = ["nodes", "devices_per_node", "device", "device_memory_gb", "mfu", "shared_folder"]
    }
}

extension TrainingConfig {
    /// Reads and checks a config file.
    public static func load(path: String) throws -> TrainingConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ClusterError.config(file: path, line: nil, message: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ClusterError.config(file: path, line: nil, message: "not valid UTF-8")
        }
        // Bundles run from other folders on other machines: paths in them must be absolute.
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let folder = ((absolute as NSString).standardizingPath as NSString).deletingLastPathComponent
        return try parse(yaml: text, file: path, folder: folder)
    }

    /// Parses config text; `folder` is what relative paths are relative to.
    public static func parse(yaml: String, file: String, folder: String) throws -> TrainingConfig {
        let root: Node?
        do { root = try Yams.compose(yaml: yaml) } catch {
            throw ClusterError.config(file: file, line: nil, message: "not valid YAML: \(error)")
        }
        guard let root else { throw ClusterError.config(file: file, line: nil, message: "the file is empty") }
        try StrictYAML.checkKeys(of: root, allowed: topLevelKeys, file: file, section: "config")
        func section(_ key: String) throws -> Node {
            guard let node = root[key] else {
                throw ClusterError.config(file: file, line: root.mark?.line, message: "missing '\(key)' section")
            }
            return node
        }
        func line(_ key: String) -> Int? { root[key]?.mark?.line }
        func resolve(_ path: String) -> String {
            path.hasPrefix("/") || folder == "." ? path : ((folder + "/" + path) as NSString).standardizingPath
        }

        let modelFile = try ModelSection.File.decodeStrictly(from: try section("model"), file: file, section: "model")
        let model = try ModelSection(modelFile, resolve: resolve, file: file, line: line("model"))

        let dataFile = try DataSection.File.decodeStrictly(from: try section("data"), file: file, section: "data")
        let weights = dataFile.weights ?? Array(repeating: 1.0, count: dataFile.pack.count)
        guard !dataFile.pack.isEmpty else {
            throw ClusterError.config(file: file, line: line("data"), message: "data: 'pack' names no folder")
        }
        guard weights.count == dataFile.pack.count, weights.allSatisfy({ $0 > 0 }) else {
            throw ClusterError.config(file: file, line: line("data"),
                                      message: "data: 'weights' needs one positive weight per pack folder (\(dataFile.pack.count))")
        }
        let data = DataSection(packs: dataFile.pack.map(resolve), weights: weights)

        var training = TrainingSection()
        if let node = root["training"] {
            let t = try TrainingSection.File.decodeStrictly(from: node, file: file, section: "training")
            training.seqLen = t.seq_len ?? training.seqLen
            training.globalBatch = t.global_batch ?? training.globalBatch
            training.microBatch = t.micro_batch ?? training.microBatch
            training.steps = t.steps ?? training.steps
            training.lr = t.lr ?? training.lr
            training.warmup = t.warmup ?? training.warmup
            training.precision = t.precision ?? training.precision
            training.checkpointEvery = t.checkpoint_every ?? training.checkpointEvery
            training.seed = t.seed ?? training.seed
        }
        try training.validate(file: file, line: line("training"))

        let c = try ClusterSection.File.decodeStrictly(from: try section("cluster"), file: file, section: "cluster")
        let cluster = ClusterSection(
            nodes: c.nodes ?? 1, devicesPerNode: c.devices_per_node ?? c.device.defaultDevicesPerNode, device: c.device,
            deviceMemoryGiB: c.device_memory_gb ?? c.device.defaultMemoryGiB, mfu: c.mfu ?? 0.4,
            sharedFolder: c.shared_folder ?? "/fsx")
        guard cluster.nodes >= 1, cluster.devicesPerNode >= 1, cluster.deviceMemoryGiB > 0 else {
            throw ClusterError.config(file: file, line: line("cluster"), message: "cluster: nodes, devices_per_node and device_memory_gb must be positive")
        }
        guard cluster.mfu > 0, cluster.mfu <= 1 else {
            throw ClusterError.config(file: file, line: line("cluster"), message: "cluster: 'mfu' is a fraction in (0, 1], not \(cluster.mfu)")
        }

        let name = root["name"]?.string ?? ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }), name.allSatisfy(\.isASCII) else {
            throw ClusterError.config(file: file, line: line("name"), message: "'name' may hold only ASCII letters, digits, '-' and '_': '\(name)'")
        }
        return TrainingConfig(name: name, model: model, tokenizer: root["tokenizer"]?.string.map(resolve), data: data,
                              training: training, cluster: cluster, file: file)
    }
}

extension ModelSection {
    init(_ file: File, resolve: (String) -> String, file path: String, line: Int?) throws {
        huggingFace = file.hf.map(resolve)
        parameters = file.parameters
        if let folder = huggingFace {
            let stated = [file.layers, file.hidden, file.heads, file.kv_heads, file.ffn, file.vocab].contains { $0 != nil }
            guard !stated else {
                throw ClusterError.config(file: path, line: line, message: "model: give 'hf: FOLDER' or the shape, not both (config.json holds the shape)")
            }
            shape = try ModelShape.load(huggingFaceFolder: folder)
        } else {
            var missing: [String] = []
            for (key, value) in [("layers", file.layers), ("hidden", file.hidden), ("heads", file.heads), ("ffn", file.ffn),
                                 ("vocab", file.vocab)] where value == nil { missing.append(key) }
            guard missing.isEmpty else {
                throw ClusterError.config(file: path, line: line,
                                          message: "model: give 'hf: FOLDER' or the whole shape; missing \(missing.joined(separator: ", "))")
            }
            shape = ModelShape(layers: file.layers!, hidden: file.hidden!, heads: file.heads!, kvHeads: file.kv_heads ?? file.heads!,
                               ffn: file.ffn!, vocab: file.vocab!)
        }
        if let tied = file.tied_embeddings { shape.tiedEmbeddings = tied }
        if let theta = file.rope_theta { shape.ropeTheta = theta }
        if let eps = file.norm_eps { shape.normEps = eps }
        try shape.validate(file: path)
        if let parameters, parameters <= 0 {
            throw ClusterError.config(file: path, line: line, message: "model: 'parameters' must be positive")
        }
    }
}

extension TrainingSection {
    func validate(file: String, line: Int?) throws {
        func fail(_ message: String) -> ClusterError { .config(file: file, line: line, message: "training: " + message) }
        for (key, value) in [("seq_len", seqLen), ("global_batch", globalBatch), ("micro_batch", microBatch), ("steps", steps),
                             ("checkpoint_every", checkpointEvery)] where value <= 0 {
            throw fail("'\(key)' must be positive, not \(value)")
        }
        guard warmup >= 0, warmup <= steps else { throw fail("'warmup' must lie between 0 and steps (\(steps))") }
        guard lr > 0 else { throw fail("'lr' must be positive") }
        guard precision == "bf16" else {
            throw fail("'precision' \(precision): only bf16 (mixed precision) is planned and rendered")
        }
    }
}
