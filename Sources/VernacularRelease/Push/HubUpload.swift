import Foundation

/// Uploading a release folder to the Hugging Face Hub with the `hf` command-line tool.
public struct HubUpload: Sendable, Equatable {
    /// What kind of Hub repository the folder goes to.
    public enum RepoType: String, Sendable {
        case dataset, model
    }

    public let folder: String
    public let repoID: String
    public let repoType: RepoType

    public init(folder: String, repoID: String, repoType: RepoType) throws {
        let parts = repoID.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) } }) else {
            throw ReleaseError(path: "--push", message: "'\(repoID)' is not a Hub repository id (OWNER/NAME)")
        }
        self.folder = folder
        self.repoID = repoID
        self.repoType = repoType
    }

    /// `hf upload REPO FOLDER . --repo-type TYPE`: the whole folder to the repository's root.
    public var arguments: [String] { ["upload", repoID, folder, ".", "--repo-type", repoType.rawValue] }

    /// The command as a shell line, quoted where needed, for the user to run.
    public var commandLine: String {
        (["hf"] + arguments).map { $0.allSatisfy { $0.isLetter || $0.isNumber || "-_./=".contains($0) } ? $0 : "'\($0)'" }
            .joined(separator: " ")
    }

    /// Why the upload cannot run here, or nil when `hf` is on PATH and HF_TOKEN is set.
    public static func unavailableReason(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if executable(named: "hf", environment: environment) == nil { return "the `hf` command is not installed (pip install huggingface_hub)" }
        if (environment["HF_TOKEN"] ?? "").isEmpty { return "HF_TOKEN is not set" }
        return nil
    }

    static func executable(named name: String, environment: [String: String]) -> String? {
        for folder in (environment["PATH"] ?? "").split(separator: ":") {
            let path = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// Runs `hf upload`, its output passed through; throws when it fails.
    public func perform(environment: [String: String] = ProcessInfo.processInfo.environment) async throws {
        guard let hf = Self.executable(named: "hf", environment: environment) else {
            throw ReleaseError(path: folder, message: "cannot upload: the `hf` command is not installed")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: hf)
        process.arguments = arguments
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        guard status == 0 else {
            throw ReleaseError(path: folder, message: "`\(commandLine)` failed with status \(status)")
        }
    }
}
