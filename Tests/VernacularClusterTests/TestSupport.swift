import Foundation
import VernacularCore
import VernacularPack
import VernacularTokenizer
@testable import VernacularCluster

enum Fixtures {
    static let folder = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.path
    static let tokenizer = folder + "/tiny-bytelevel.tokenizer.json"
}

/// A fresh folder under the system's temporary folder; the caller removes it.
func temporaryFolder(_ label: String) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("vern-cluster-\(label)-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Packs a fixture file as `vern pack` does (every document in train, so the order is the input's).
@discardableResult
func packFixture(_ name: String, into folder: String) throws -> IndexedDatasetReader {
    var configuration = PackConfiguration()
    configuration.splits = SplitWeights(train: 1, valid: 0, test: 0)
    configuration.endOfDocumentID = 0
    let tokenizer = try TokenizerFile.load(path: Fixtures.tokenizer)
    _ = try Packer(tokenizer: tokenizer, tokenizerName: "tiny", configuration: configuration)
        .pack(files: [Fixtures.folder + "/" + name], output: folder)
    return try IndexedDatasetReader(prefix: folder + "/train")
}

struct ProcessResult {
    var status: Int32
    var output: String
    var error: String
}

/// Runs a program to completion; `environment` replaces the process's own when given.
func runProcess(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                in folder: String? = nil) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
    let stdout = Pipe(), stderr = Pipe()
    process.standardOutput = stdout
    process.standardError = stderr
    process.standardInput = FileHandle.nullDevice
    try process.run()
    // Read both pipes before waiting, so a chatty program cannot fill one and stall.
    final class Box: @unchecked Sendable { var data = Data() }
    let err = Box()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async { err.data = stderr.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    let out = stdout.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return ProcessResult(status: process.terminationStatus, output: String(decoding: out, as: UTF8.self),
                         error: String(decoding: err.data, as: UTF8.self))
}

/// The path of a program on PATH, or nil.
func which(_ name: String) -> String? {
    for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
        let candidate = "\(folder)/\(name)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}

/// python3 with numpy, or nil (the reader checks are skipped with a message then).
let pythonWithNumpy: String? = {
    guard let python = which("python3"),
          let result = try? runProcess(python, ["-c", "import numpy"]), result.status == 0 else { return nil }
    return python
}()

/// Checks shell scripts with `bash -n` always and shellcheck when installed; returns the problems.
func checkShellScripts(_ paths: [String]) throws -> [String] {
    var problems: [String] = []
    for path in paths {
        let syntax = try runProcess("/bin/bash", ["-n", path])
        if syntax.status != 0 { problems.append("bash -n \(path): \(syntax.error)") }
    }
    if let shellcheck = which("shellcheck") {
        let result = try runProcess(shellcheck, ["-x", "-S", "style"] + paths)
        if result.status != 0 { problems.append("shellcheck: \(result.output)\(result.error)") }
    } else {
        print("note: shellcheck is not installed (apt-get install shellcheck); checked with bash -n only")
    }
    return problems
}

/// A config over two real pack folders, for render tests.
func bundleConfig(root: String, device: String = "trn1", nodes: Int = 2, devicesPerNode: Int = 32, memory: Double = 16,
                  model: String = "{parameters: 7.5e9, layers: 32, hidden: 4096, heads: 32, kv_heads: 8, ffn: 14336, vocab: 128256}",
                  seqLen: Int = 4096, globalBatch: Int = 256) throws -> TrainingConfig {
    try packFixture("conversation.jsonl", into: root + "/packs/talk")
    try packFixture("news.jsonl", into: root + "/packs/news")
    let yaml = """
        name: yue-7b
        model: \(model)
        tokenizer: tokenizer
        data: {pack: [packs/talk, packs/news], weights: [2.0, 1.0]}
        training: {seq_len: \(seqLen), global_batch: \(globalBatch), micro_batch: 1, steps: 2000, lr: 1.5e-4, warmup: 100, checkpoint_every: 250}
        cluster: {nodes: \(nodes), devices_per_node: \(devicesPerNode), device: \(device), device_memory_gb: \(memory)}
        """
    let path = root + "/job.yaml"
    try yaml.write(toFile: path, atomically: true, encoding: .utf8)
    return try TrainingConfig.load(path: path)
}
