import Foundation
import Testing

/// The test virtual environment with `datasets`, `huggingface_hub`, `safetensors` and `numpy`
/// from PyPI, at .build/release-venv: reused when present, made once per test run otherwise.
/// Tests that need it are skipped, with `unavailableReason`, when it cannot be made (no network).
enum PythonEnvironment {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let folder = repository + "/.build/release-venv"
    static let python = folder + "/bin/python"
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/Python/check_release.py"
    static let packages = ["datasets", "huggingface_hub", "safetensors", "numpy"]

    /// Nil when the environment is ready; otherwise why not.
    static let unavailableReason: String? = prepare()

    static var available: Bool { unavailableReason == nil }
    static var skipMessage: Comment { "Python release checks skipped: \(unavailableReason ?? "")" }

    private static func prepare() -> String? {
        let imports = "import datasets, huggingface_hub, safetensors, numpy"
        if FileManager.default.isExecutableFile(atPath: python), (try? run(python, ["-c", imports]))?.status == 0 { return nil }
        guard let created = try? run("/usr/bin/env", ["python3", "-m", "venv", folder]), created.status == 0 else {
            return "python3 -m venv \(folder) failed"
        }
        guard let installed = try? run(python, ["-m", "pip", "install", "--quiet"] + packages), installed.status == 0 else {
            return "pip install \(packages.joined(separator: " ")) failed (is PyPI reachable?)"
        }
        return (try? run(python, ["-c", imports]))?.status == 0 ? nil : "the packages do not import after installing"
    }

    /// Runs a program; standard output comes back, standard error is kept for failure messages.
    @discardableResult
    static func run(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: Data, errors: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        // Nothing from the network, and a cache of our own so an earlier result cannot stand in.
        environment["HF_HUB_OFFLINE"] = "1"
        environment["HF_DATASETS_OFFLINE"] = "1"
        environment["HF_HOME"] = FileManager.default.temporaryDirectory.appendingPathComponent("vern-release-hf-\(UUID().uuidString)").path
        process.environment = environment
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Read both pipes while the process runs, so neither fills and blocks it.
        let errorData = Locked(Data())
        let reader = Thread { errorData.value = errors.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errorData.done { usleep(1000) }
        return (process.terminationStatus, data, String(decoding: errorData.value, as: UTF8.self))
    }

    /// check_release.py's JSON answer for `arguments`; a failure carries its standard error.
    static func check(_ arguments: [String]) throws -> [String: Any] {
        let result = try run(python, [script] + arguments)
        guard result.status == 0, let object = try JSONSerialization.jsonObject(with: result.output) as? [String: Any] else {
            throw CheckFailed(message: "check_release.py \(arguments.joined(separator: " ")) failed (\(result.status)):\n\(result.errors.suffix(3000))")
        }
        return object
    }

    struct CheckFailed: Error, CustomStringConvertible { let message: String; var description: String { message } }
}

/// A value one thread writes once and another waits for.
final class Locked<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T
    private var finished = false
    init(_ value: T) { stored = value }
    var value: T {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue; finished = true } }
    }
    var done: Bool { lock.withLock { finished } }
}
