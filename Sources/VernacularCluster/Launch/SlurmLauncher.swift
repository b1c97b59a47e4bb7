import Foundation

/// Submits a rendered bundle to Slurm: `sbatch --parsable JOB_SCRIPT` from the bundle folder (so
/// the job's SLURM_SUBMIT_DIR is the bundle), and returns the job id sbatch prints.
public struct SlurmLauncher: Sendable {
    /// The PATH searched for `sbatch`; the process's own by default.
    public var searchPath: String

    public init(searchPath: String? = nil) {
        self.searchPath = searchPath ?? ProcessInfo.processInfo.environment["PATH"] ?? ""
    }

    /// The first executable `sbatch` on the search path.
    public func sbatchPath() throws -> String {
        for folder in searchPath.split(separator: ":") where !folder.isEmpty {
            let candidate = String(folder) + "/sbatch"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw ClusterError.scheduler(
            "sbatch is not on PATH (\(searchPath.isEmpty ? "empty" : searchPath)): run vern cluster launch on a Slurm login or controller node")
    }

    /// Submits the bundle and returns its Slurm job id.
    public func launch(bundle folder: String, extraArguments: [String] = []) async throws -> String {
        let manifest = try BundleManifest.read(bundle: folder)
        let script = folder + "/" + manifest.jobScript
        guard FileManager.default.fileExists(atPath: script) else {
            throw ClusterError.bundle(path: folder, reason: "\(manifest.jobScript) is missing")
        }
        let sbatch = try sbatchPath()
        let (status, output, error) = try await Self.run(sbatch, ["--parsable"] + extraArguments + [manifest.jobScript], in: folder)
        guard status == 0 else {
            throw ClusterError.scheduler("sbatch exited with \(status): \(error.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        // --parsable prints "ID" or "ID;CLUSTER".
        let id = output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ";").first.map(String.init) ?? ""
        guard !id.isEmpty, id.allSatisfy(\.isNumber) else {
            throw ClusterError.scheduler("sbatch printed no job id: '\(output.trimmingCharacters(in: .whitespacesAndNewlines))'")
        }
        return id
    }

    static func run(_ executable: String, _ arguments: [String], in folder: String) async throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        return try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { finished in
                let out = stdout.fileHandleForReading.readDataToEndOfFile()
                let err = stderr.fileHandleForReading.readDataToEndOfFile()
                continuation.resume(returning: (finished.terminationStatus, String(decoding: out, as: UTF8.self),
                                                String(decoding: err, as: UTF8.self)))
            }
            do { try process.run() } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: ClusterError.scheduler("cannot run \(executable): \(error.localizedDescription)"))
            }
        }
    }
}
