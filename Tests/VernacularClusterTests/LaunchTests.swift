import Foundation
import Testing
@testable import VernacularCluster

@Suite struct LaunchTests {
    /// A rendered bundle and a stand-in `sbatch` that records how it was called.
    func fixture() throws -> (root: String, bundle: String, bin: String) {
        let root = try temporaryFolder("launch")
        let config = try bundleConfig(root: root)
        try BundleRenderer.render(config: config, engine: .nxd).write(to: root + "/bundle")
        let bin = root + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        let fake = """
            #!/bin/sh
            # Records its folder and arguments, then answers as sbatch --parsable does.
            pwd > "$(dirname "$0")/called-from"
            echo "$@" > "$(dirname "$0")/called-with"
            echo "4242;cluster"

            """
        try fake.write(toFile: bin + "/sbatch", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin + "/sbatch")
        return (root, root + "/bundle", bin)
    }

    @Test func submitsTheJobScriptFromTheBundle() async throws {
        let (root, bundle, bin) = try fixture()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let id = try await SlurmLauncher(searchPath: "/nonexistent:" + bin).launch(bundle: bundle, extraArguments: ["--partition=debug"])
        #expect(id == "4242")
        let folder = try String(contentsOfFile: bin + "/called-from", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(URL(fileURLWithPath: folder).resolvingSymlinksInPath().path == URL(fileURLWithPath: bundle).resolvingSymlinksInPath().path)
        #expect(try String(contentsOfFile: bin + "/called-with", encoding: .utf8) == "--parsable --partition=debug train.sbatch\n")
    }

    @Test func missingSbatchIsAClearError() async throws {
        let (root, bundle, _) = try fixture()
        defer { try? FileManager.default.removeItem(atPath: root) }
        await #expect(throws: ClusterError.self) { try await SlurmLauncher(searchPath: "").launch(bundle: bundle) }
        do {
            _ = try await SlurmLauncher(searchPath: "/nonexistent").launch(bundle: bundle)
        } catch {
            #expect("\(error)".contains("sbatch is not on PATH"))
        }
    }

    @Test func sbatchFailureAndNonBundle() async throws {
        let (root, bundle, bin) = try fixture()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try "#!/bin/sh\necho 'sbatch: error: invalid partition' >&2\nexit 1\n".write(toFile: bin + "/sbatch", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin + "/sbatch")
        do {
            _ = try await SlurmLauncher(searchPath: bin).launch(bundle: bundle)
            Issue.record("a failed sbatch returned a job id")
        } catch {
            #expect("\(error)".contains("invalid partition"))
        }
        do {
            _ = try await SlurmLauncher(searchPath: bin).launch(bundle: root)
            Issue.record("a folder without bundle.json was launched")
        } catch {
            #expect("\(error)".contains("bundle.json"))
        }
    }

    /// `vern cluster launch` itself, with PATH emptied: the message, and a failing exit status.
    @Test func commandWithEmptyPath() throws {
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let vern = ProcessInfo.processInfo.environment["VERN_BINARY"] ?? packageRoot.appendingPathComponent(".build/debug/vern").path
        guard FileManager.default.isExecutableFile(atPath: vern) else {
            print("note: skipped: \(vern) is not built")
            return
        }
        let (root, bundle, _) = try fixture()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let result = try runProcess(vern, ["cluster", "launch", bundle], environment: ["PATH": ""])
        #expect(result.status != 0)
        #expect(result.error.contains("sbatch is not on PATH"), "\(result.error)")
    }
}
