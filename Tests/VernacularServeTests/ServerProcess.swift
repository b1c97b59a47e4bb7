import Foundation

/// A real `vern serve` started on a free loopback port (`--port 0`; the port is read from the
/// line it prints), for tests that drive it with outside clients.
final class ServerProcess: @unchecked Sendable {
    static var vernBinary: String {
        ProcessInfo.processInfo.environment["VERN_BINARY"]
            ?? ServeTestModel.packageRoot.appendingPathComponent(".build/debug/vern").path
    }

    let process = Process()
    private(set) var port = 0
    private let log = NSMutableData()
    private let lock = NSLock()

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var output: String { lock.withLock { String(decoding: log as Data, as: UTF8.self) } }

    init(arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: Self.vernBinary)
        process.arguments = ["serve", "--model", ServeTestModel.smolLM2, "--model-id", "smollm2", "--port", "0"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_CORETYPE"] = environment["OPENBLAS_CORETYPE"] ?? "SkylakeX"
        process.environment = environment
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = pipe
        pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.lock.withLock { self.log.append(data) }
        }
        try process.run()
    }

    /// Waits for the listening line, then for `/health` to say the model is loaded.
    func waitUntilReady(timeout: TimeInterval = 120) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while port == 0 {
            if let range = output.range(of: #"listening on http://127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
                port = Int(output[range].split(separator: ":").last ?? "") ?? 0
            }
            guard process.isRunning, Date() < deadline else { throw ServerError("vern serve did not start:\n\(output)") }
            try await Task.sleep(for: .milliseconds(50))
        }
        while !output.contains("ready") {
            guard process.isRunning, Date() < deadline else { throw ServerError("the model did not load:\n\(output)") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// SIGTERM, then the exit status once it has stopped (nil if it had to be killed).
    func stop(timeout: TimeInterval = 60) async throws -> Int32? {
        guard process.isRunning else { return process.terminationStatus }
        process.terminate()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            return nil
        }
        return process.terminationStatus
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
}

struct ServerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs a program to completion, returning its status and combined output.
func runProgram(_ path: String, _ arguments: [String], timeout: TimeInterval = 300) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let killer = DispatchWorkItem { if process.isRunning { process.terminate() } }
    DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: killer)
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    killer.cancel()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// The first of `names` found on PATH.
func findOnPath(_ names: [String]) -> String? {
    let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
    for name in names {
        for folder in folders where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
            return "\(folder)/\(name)"
        }
    }
    return nil
}
