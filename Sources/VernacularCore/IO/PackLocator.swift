import Foundation

/// Finds a language pack (`langs/yue.yaml`) named by a relative path: in the working directory
/// first, then under the folders above the running executable, so that a pipeline written by
/// `vern init` in any folder finds the packs of the checkout `vern` was built in.
public enum PackLocator {
    /// The pack's URL: the path itself if it exists (or is absolute), else the first folder above
    /// the executable that holds it; nil when none does.
    public static func locate(_ path: String, executable: String = CommandLine.arguments.first ?? "") -> URL? {
        let manager = FileManager.default
        if path.hasPrefix("/") || manager.fileExists(atPath: path) { return URL(fileURLWithPath: path) }
        guard !executable.isEmpty else { return nil }
        var folder = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent(path)
            if manager.fileExists(atPath: candidate.path) { return candidate }
            folder.deleteLastPathComponent()
        }
        return nil
    }

    /// `locate`, or the path unchanged so that the reader's own error names it.
    public static func resolvedPath(_ path: String) -> String { locate(path)?.path ?? path }
}
