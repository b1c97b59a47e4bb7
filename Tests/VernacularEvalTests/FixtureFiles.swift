import Foundation

/// The fixtures beside these tests, written for this project: Cantonese items with the defects
/// real benchmark files have.
enum FixtureFiles {
    static let folder = Bundle.module.resourceURL!.appendingPathComponent("Fixtures").path
    static func path(_ name: String) -> String { folder + "/" + name }

    static func temporaryFolder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vern-eval-\(UUID())").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
