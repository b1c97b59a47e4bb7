import Foundation

/// A file of a bundle: its path inside the bundle, its text, and whether it is a script.
public struct BundleFile: Sendable, Equatable {
    public var path: String
    public var text: String
    public var executable: Bool

    public init(_ path: String, _ text: String, executable: Bool = false) {
        self.path = path
        self.text = text
        self.executable = executable
    }
}

/// What a render produced: the files and the setting of the plan they use.
public struct JobBundle: Sendable {
    public var engine: Engine
    public var files: [BundleFile]
    public var setting: PlanRow

    /// Writes every file under `folder` (created if needed), scripts with mode 755.
    public func write(to folder: String) throws {
        try BundleWriter.write(files, to: folder)
    }
}

/// The engines a bundle can be rendered for.
public enum Engine: String, Sendable, Codable, CaseIterable {
    case nxd, torchtitan
}

/// `bundle.json`: what `vern cluster launch` reads to find the job script.
public struct BundleManifest: Sendable, Codable, Equatable {
    public var engine: Engine
    public var name: String
    /// The sbatch script, relative to the bundle.
    public var jobScript: String
    public var nodes: Int
    public var tensorParallel: Int
    public var zeroStage: Int

    enum CodingKeys: String, CodingKey {
        case engine, name, nodes
        case jobScript = "job_script"
        case tensorParallel = "tensor_parallel"
        case zeroStage = "zero_stage"
    }

    public static let fileName = "bundle.json"

    public static func read(bundle folder: String) throws -> BundleManifest {
        let path = folder + "/" + fileName
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ClusterError.bundle(path: folder, reason: "no \(fileName): render it with vern cluster render")
        }
        do { return try JSONDecoder().decode(BundleManifest.self, from: data) } catch {
            throw ClusterError.bundle(path: folder, reason: "\(fileName): \(error)")
        }
    }

    func file() throws -> BundleFile {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return BundleFile(Self.fileName, String(decoding: try encoder.encode(self), as: UTF8.self) + "\n")
    }
}

public enum BundleWriter {
    public static func write(_ files: [BundleFile], to folder: String) throws {
        let manager = FileManager.default
        for file in files {
            let path = folder + "/" + file.path
            let parent = (path as NSString).deletingLastPathComponent
            do {
                try manager.createDirectory(atPath: parent, withIntermediateDirectories: true)
                try Data(file.text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
                try manager.setAttributes([.posixPermissions: file.executable ? 0o755 : 0o644], ofItemAtPath: path)
            } catch {
                throw ClusterError.write(path: path, reason: error.localizedDescription)
            }
        }
    }
}
