import Foundation
import VernacularCore

/// The exact vern that writes a release: its version and, when it runs from a git checkout,
/// the commit and `git describe` of that checkout.
public struct SourceVersion: Sendable, Equatable, Codable {
    public var version: String
    public var commit: String?
    /// `git describe --always --dirty --tags`: "-dirty" when the checkout had uncommitted changes.
    public var describe: String?
    /// The checkout the commit was read from.
    public var checkout: String?

    public init(version: String = VernacularVersion.current, commit: String? = nil, describe: String? = nil, checkout: String? = nil) {
        self.version = version
        self.commit = commit
        self.describe = describe
        self.checkout = checkout
    }

    /// "vern 0.1.0, git 3c50de4" for cards; the version alone when no checkout was found.
    public var label: String { "vern \(version)" + (describe.map { ", git \($0)" } ?? "") }

    /// Looks for the git checkout holding `executable` (`.build/release/vern` sits inside it),
    /// walking up a few folders. No checkout, or no git, leaves commit and describe nil.
    public static func detect(executable: String = CommandLine.arguments[0]) -> SourceVersion {
        var folder = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent(".git").path) {
                let path = folder.path
                return SourceVersion(commit: git(["-C", path, "rev-parse", "HEAD"]),
                                     describe: git(["-C", path, "describe", "--always", "--dirty", "--tags"]), checkout: path)
            }
            folder = folder.deletingLastPathComponent()
        }
        return SourceVersion()
    }

    static func git(_ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}
