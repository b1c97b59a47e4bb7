import Foundation
import Testing
@testable import VernacularCluster

/// `vern cluster` as a user runs it: the built binary beside the tests.
enum VernExecutable {
    static var path: String? {
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let path = ProcessInfo.processInfo.environment["VERN_BINARY"] ?? packageRoot.appendingPathComponent(".build/debug/vern").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }
}

@Suite struct CommandTests {
    @Test func planPrintsTheRowsAsJSON() throws {
        guard let vern = VernExecutable.path else {
            print("note: skipped: vern is not built")
            return
        }
        let root = try temporaryFolder("command")
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = try bundleConfig(root: root)
        let result = try runProcess(vern, ["cluster", "plan", root + "/job.yaml", "--json"])
        #expect(result.status == 0, "\(result.error)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [[String: Any]])
        // 32 heads, 32 devices per node: t = 1, 2, 4, 8, 16, 32, each with ZeRO 0-3.
        #expect(rows.count == 24)
        #expect(rows.map { $0["tensor_parallel"] as? Int } == [1, 2, 4, 8, 16, 32].flatMap { Array(repeating: $0, count: 4) })
        #expect(rows.contains { $0["fits"] as? Bool == false } && rows.contains { $0["fits"] as? Bool == true })

        let table = try runProcess(vern, ["cluster", "plan", root + "/job.yaml"])
        #expect(table.output.contains("7.5B parameters") && table.output.contains("note: activations per layer: Korthikanti"))
    }

    @Test func renderWritesTheBundleAndBadConfigsFail() throws {
        guard let vern = VernExecutable.path else { return }
        let root = try temporaryFolder("command-render")
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = try bundleConfig(root: root)
        let result = try runProcess(vern, ["cluster", "render", root + "/job.yaml", "--engine", "nxd", "--output", root + "/out"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("tensor parallel 4, data parallel 16, ZeRO 1"))
        #expect(FileManager.default.fileExists(atPath: root + "/out/conf/yue-7b.yaml"))
        let engine = try runProcess(vern, ["cluster", "render", root + "/job.yaml", "--engine", "deepspeed", "--output", root + "/x"])
        #expect(engine.status != 0 && engine.error.contains("deepspeed"))
        try "model: {layers: 2}\nmodle: {}\n".write(toFile: root + "/bad.yaml", atomically: true, encoding: .utf8)
        let bad = try runProcess(vern, ["cluster", "plan", root + "/bad.yaml"])
        #expect(bad.status != 0 && bad.error.contains("unknown key 'modle'") && bad.error.contains("bad.yaml:2"), "\(bad.error)")
    }
}
