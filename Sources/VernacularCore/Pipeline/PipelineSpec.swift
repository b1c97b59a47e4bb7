import Foundation
import Yams

/// What to do with a record or file that cannot be read.
public enum ErrorPolicy: String, Sendable, Codable, CaseIterable {
    /// Stop the run at the first bad record, naming file and line. Finished shards stay finished.
    case fail
    /// Count the bad record, copy it to the quarantine file, and go on.
    case skip
}

/// Where documents come from.
public struct InputSpec: Sendable, Codable, KnownKeys {
    /// Files or glob patterns (`data/*.jsonl.zst`), relative to the pipeline file's folder.
    public var paths: [String]
    public var textField: String
    public var idField: String
    /// Plain (uncompressed) files larger than this are split into byte-range shards so both
    /// cores work on one big file; compressed files are one shard each.
    public var shardSizeMB: Int

    public init(paths: [String], textField: String = "text", idField: String = "id", shardSizeMB: Int = 64) {
        self.paths = paths
        self.textField = textField
        self.idField = idField
        self.shardSizeMB = shardSizeMB
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case paths, textField = "text_field", idField = "id_field", shardSizeMB = "shard_size_mb"
    }
    public static var knownKeys: [String] { CodingKeys.allCases.map(\.rawValue) }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        paths = try container.decode([String].self, forKey: .paths)
        textField = try container.decodeIfPresent(String.self, forKey: .textField) ?? "text"
        idField = try container.decodeIfPresent(String.self, forKey: .idField) ?? "id"
        shardSizeMB = try container.decodeIfPresent(Int.self, forKey: .shardSizeMB) ?? 64
    }

    public var fieldMapping: DocumentFieldMapping { DocumentFieldMapping(textField: textField, idField: idField) }
}

/// Where results go.
public struct OutputSpec: Sendable, Codable, KnownKeys {
    /// The run folder: documents/, markers/, stats.json and manifest.json go here.
    public var dir: String
    /// zstd by default: a third of the size of gzip's time for the same ratio.
    public var compression: Compression
    /// Keep dropped documents, with their reason, under dropped/.
    public var keepDropped: Bool

    public init(dir: String, compression: Compression = .zstd, keepDropped: Bool = false) {
        self.dir = dir
        self.compression = compression
        self.keepDropped = keepDropped
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case dir, compression, keepDropped = "keep_dropped"
    }
    public static var knownKeys: [String] { CodingKeys.allCases.map(\.rawValue) }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        dir = try container.decode(String.self, forKey: .dir)
        compression = try container.decodeIfPresent(Compression.self, forKey: .compression) ?? .zstd
        keepDropped = try container.decodeIfPresent(Bool.self, forKey: .keepDropped) ?? false
    }
}

/// One `- name: {options}` entry of a pipeline's `stages` list, before the registry builds it.
public struct StageSpec {
    public let name: String
    public let options: Node?
    public let line: Int?
}

/// A whole pipeline as read from YAML.
public struct PipelineSpec {
    public var input: InputSpec
    public var output: OutputSpec
    /// Worker count; 0 means one per core.
    public var workers: Int
    public var onError: ErrorPolicy
    public var stages: [StageSpec]
    /// Ingest steps before the stages (`- kind: {path: ..., options}`), in file order.
    public var sources: [StageSpec]
    /// Whole-corpus steps after the stages: deduplication methods in order, then the optional
    /// tokenizer extension and n-gram LM, then packing (VernacularWorkflow runs them).
    public var dedup: [StageSpec]
    public var tokenizer: StageSpec?
    public var lm: StageSpec?
    public var pack: StageSpec?
    /// The file it was read from (for messages), or "<memory>".
    public var file: String

    public static let topLevelKeys = ["input", "output", "workers", "on_error", "stages", "sources", "dedup", "tokenizer", "lm", "pack"]

    public init(input: InputSpec, output: OutputSpec, workers: Int = 0, onError: ErrorPolicy = .fail,
                stages: [StageSpec] = [], sources: [StageSpec] = [], dedup: [StageSpec] = [], tokenizer: StageSpec? = nil,
                lm: StageSpec? = nil, pack: StageSpec? = nil, file: String = "<memory>") {
        self.input = input
        self.output = output
        self.workers = workers
        self.onError = onError
        self.stages = stages
        self.sources = sources
        self.dedup = dedup
        self.tokenizer = tokenizer
        self.lm = lm
        self.pack = pack
        self.file = file
    }

    /// Where source number `index` (0-based) writes its documents.
    public func sourceFolder(_ index: Int) -> String {
        "\(output.dir)/sources/\(String(format: "%02d", index))-\(sources[index].name)"
    }

    /// Whether the file says more than the per-document stages.
    public var hasWorkflowSteps: Bool { !sources.isEmpty || !dedup.isEmpty || tokenizer != nil || lm != nil || pack != nil }

    /// Reads a pipeline file; relative input paths and the output folder are resolved against
    /// the file's folder.
    public static func load(path: String) throws -> PipelineSpec {
        let bytes = try readWholeFile(path)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw PipelineFileError(file: path, line: nil, message: "not valid UTF-8")
        }
        var spec = try parse(yaml: text, file: path)
        let folder = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        spec.input.paths = spec.input.paths.map { resolve($0, against: folder) }
        spec.output.dir = resolve(spec.output.dir, against: folder)
        // The stages read what the sources wrote, after the listed inputs.
        spec.input.paths += spec.sources.indices.map { spec.sourceFolder($0) + "/shard-*.jsonl*" }
        return spec
    }

    public static func resolve(_ path: String, against folder: String) -> String {
        guard !path.hasPrefix("/"), folder != "." else { return path }
        // Fold "dir/../" pairs so messages show demo-out/run, not demo/../demo-out/run.
        var parts: [Substring] = []
        for part in "\(folder)/\(path)".split(separator: "/", omittingEmptySubsequences: false) {
            if part == "..", let last = parts.last, last != "..", !last.isEmpty {
                parts.removeLast()
            } else if part != "." || parts.isEmpty {
                parts.append(part)
            }
        }
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    public static func parse(yaml: String, file: String) throws -> PipelineSpec {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw PipelineFileError(file: file, line: nil, message: "not valid YAML: \(error)")
        }
        guard let root else { throw PipelineFileError(file: file, line: nil, message: "the file is empty") }
        try StrictYAML.checkKeys(of: root, allowed: topLevelKeys, file: file, section: "pipeline")

        let sources = try parseStages(root["sources"], file: file, section: "sources")
        guard let outputNode = root["output"] else {
            throw PipelineFileError(file: file, line: root.mark?.line, message: "missing 'output' section")
        }
        let input: InputSpec
        if let inputNode = root["input"] {
            input = try InputSpec.decodeStrictly(from: inputNode, file: file, section: "input")
        } else if !sources.isEmpty {
            input = InputSpec(paths: [])
        } else {
            throw PipelineFileError(file: file, line: root.mark?.line, message: "missing 'input' section (or 'sources')")
        }
        let output = try OutputSpec.decodeStrictly(from: outputNode, file: file, section: "output")

        var workers = 0
        if let node = root["workers"] {
            guard let value = node.int, value >= 0 else {
                throw PipelineFileError(file: file, line: node.mark?.line, message: "'workers' must be a whole number, 0 for all cores")
            }
            workers = value
        }
        var onError = ErrorPolicy.fail
        if let node = root["on_error"] {
            guard let value = node.string.flatMap(ErrorPolicy.init(rawValue:)) else {
                throw PipelineFileError(file: file, line: node.mark?.line, message: "'on_error' must be 'fail' or 'skip'")
            }
            onError = value
        }
        let stages = try parseStages(root["stages"], file: file)
        let dedup = try parseStages(root["dedup"], file: file, section: "dedup")
        func single(_ key: String) -> StageSpec? {
            root[key].map { StageSpec(name: key, options: $0, line: $0.mark?.line) }
        }
        return PipelineSpec(input: input, output: output, workers: workers, onError: onError, stages: stages, sources: sources,
                            dedup: dedup, tokenizer: single("tokenizer"), lm: single("lm"), pack: single("pack"), file: file)
    }

    /// Stages (and sources, dedup steps) are a list whose items are either a bare name or a
    /// one-key mapping of name to options.
    static func parseStages(_ node: Node?, file: String, section: String = "stages") throws -> [StageSpec] {
        guard let node else { return [] }
        guard case .sequence(let sequence) = node else {
            throw PipelineFileError(file: file, line: node.mark?.line, message: "'\(section)' must be a list")
        }
        return try sequence.map { item in
            switch item {
            case .scalar(let scalar):
                return StageSpec(name: scalar.string, options: nil, line: item.mark?.line)
            case .mapping(let mapping) where mapping.count == 1:
                let (key, value) = mapping.first!
                return StageSpec(name: key.string ?? "", options: value, line: key.mark?.line)
            default:
                throw PipelineFileError(file: file, line: item.mark?.line,
                                        message: "each entry of '\(section)' is a name or 'name: {options}'")
            }
        }
    }

    /// A hash of everything that decides the output bytes (not the output folder or the worker
    /// count), so a resumed run can refuse markers left by a different pipeline.
    public var configurationHash: String {
        var canonical = JSONObject()
        canonical["input"] = .object([
            "paths": .array(input.paths.map { .string($0) }),
            "text_field": .string(input.textField),
            "id_field": .string(input.idField),
            "shard_size_mb": JSONValue(input.shardSizeMB),
        ])
        canonical["output"] = .object([
            "compression": .string(output.compression.rawValue),
            "keep_dropped": .bool(output.keepDropped),
        ])
        canonical["on_error"] = .string(onError.rawValue)
        canonical["stages"] = .array(stages.map {
            .object(["name": .string($0.name), "options": StrictYAML.canonicalJSON($0.options)])
        })
        return FNV1a64.hex(JSONWriter.string(.object(canonical)))
    }
}

/// FNV-1a, 64-bit: a small stable hash for configuration fingerprints (not for security).
public enum FNV1a64 {
    public static func hash(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            value ^= UInt64(byte)
            value &*= 0x0000_0100_0000_01B3
        }
        return value
    }

    public static func hex(_ text: String) -> String {
        let value = hash(text.utf8)
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
