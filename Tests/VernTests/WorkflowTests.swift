import Foundation
import Testing
import VernacularCore

/// A pipeline file with sources, stages, dedup and pack run on this machine.
@Suite(.serialized) struct WorkflowTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    func scratch() throws -> String {
        let folder = NSTemporaryDirectory() + "vern-workflow-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try "我哋今日去咗行山，好攰呀。\n\n晚黑返屋企食飯，阿媽煮咗好多餸，我食咗兩碗飯。\n\n我哋今日去咗行山，好攰呀。\n"
            .write(toFile: folder + "/notes.txt", atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(atPath: Self.root + "/demo/samples/family-dinner.srt", toPath: folder + "/dinner.srt")
        return folder
    }

    func pipeline(extra: String = "") -> String {
        """
        sources:
          - text: {path: notes.txt, unit: paragraph}
          - subtitles: {path: "*.srt", gap_seconds: 10}
        output: {dir: out}
        stages: [normalize, pii]
        dedup: [exact]
        \(extra)
        """
    }

    @Test func stepsRunInOrderAndRerunsSkipFinishedOnes() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try pipeline().write(toFile: folder + "/p.yaml", atomically: true, encoding: .utf8)
        let first = try VernBinary.run(["run", "p.yaml", "--quiet"], in: folder)
        #expect(first.status == 0, "\(first.error)")
        for step in ["source-00-text", "source-01-subtitles", "stages", "dedup-exact"] {
            #expect(FileManager.default.fileExists(atPath: "\(folder)/out/steps/\(step).json"), "\(step) marker")
        }
        // The repeated paragraph is removed by exact dedup.
        let removed = try String(contentsOfFile: folder + "/out/dedup-exact/removed.jsonl", encoding: .utf8)
        #expect(removed.split(separator: "\n").count == 1)

        let second = try VernBinary.run(["run", "p.yaml", "--quiet"], in: folder)
        #expect(second.error.components(separatedBy: "done earlier").count - 1 == 4, "\(second.error)")

        // A step whose marker is gone (killed before it finished) runs again, and the ones after it.
        FileSystem.remove(folder + "/out/steps/stages.json")
        let third = try VernBinary.run(["run", "p.yaml", "--quiet"], in: folder)
        #expect(third.error.contains("step stages: vern run"))
        #expect(third.error.contains("step dedup-exact: vern dedup"))
        #expect(third.error.contains("step source-00-text: done earlier"))

        let until = try VernBinary.run(["run", "p.yaml", "--from", "dedup", "--until", "dedup"], in: folder)
        #expect(until.error.contains("step dedup-exact: vern dedup") && !until.error.contains("source-00"))
    }

    @Test func misspeltStepOptionsNameKeyAndLine() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try pipeline().replacingOccurrences(of: "gap_seconds", with: "gap_secs").write(toFile: folder + "/p.yaml", atomically: true, encoding: .utf8)
        let result = try VernBinary.run(["run", "p.yaml"], in: folder)
        #expect(result.status != 0)
        #expect(result.error.contains("gap_secs") && result.error.contains("p.yaml:3"), "\(result.error)")
        try pipeline(extra: "pack: {tokeniser: smollm2}").write(toFile: folder + "/q.yaml", atomically: true, encoding: .utf8)
        let pack = try VernBinary.run(["run", "q.yaml"], in: folder)
        #expect(pack.error.contains("tokeniser"), "\(pack.error)")
        try pipeline().replacingOccurrences(of: "- text:", with: "- textfile:").write(toFile: folder + "/r.yaml", atomically: true, encoding: .utf8)
        let kind = try VernBinary.run(["run", "r.yaml"], in: folder)
        #expect(kind.error.contains("unknown source kind 'textfile'"), "\(kind.error)")
    }

    @Test func slurmWithoutSbatchSaysSo() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try pipeline().write(toFile: folder + "/p.yaml", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: VernBinary.path)
        process.arguments = ["run", "p.yaml", "--executor", "slurm"]
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.environment = ["PATH": "/nonexistent"]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus != 0)
        #expect(message.contains("sbatch is not on PATH"), "\(message)")
        // --dry-run needs no Slurm: the scripts, the stages one as an array.
        let dry = try VernBinary.run(["run", "p.yaml", "--executor", "slurm", "--dry-run", "--tasks", "3"], in: folder)
        #expect(dry.output.contains("#SBATCH --array=0,1,2"))
        #expect(dry.output.contains("--task-index \"$SLURM_ARRAY_TASK_ID\" --task-count 3"))
    }
}
