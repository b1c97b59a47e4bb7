import Foundation
import Testing
import VernacularCore

/// The whole-pipeline file through a real one-node Slurm against the same file run locally.
/// `make test-slurm` starts the Slurm and sets VERN_SLURM=1; a plain `make test` skips these.
enum SlurmAvailability {
    static var ready: Bool {
        ProcessInfo.processInfo.environment["VERN_SLURM"] == "1" && FileManager.default.isExecutableFile(atPath: "/usr/bin/sbatch")
    }
}

@Suite(.serialized, .enabled(if: SlurmAvailability.ready, "needs a running Slurm: run make test-slurm"))
struct SlurmPipelineTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// Cantonese-like documents in several input files, a subtitle file and a text file as
    /// sources, so every step has work: ingest, the stages, exact and near dedup, pack.
    func makeInputs(in folder: String, files: Int) throws {
        let sentences = ["我哋今晚去邊度食飯呀？", "佢話聽日唔得閒喎。", "呢間餐廳啲嘢食好好味，不過有啲貴。", "你食咗飯未呀？",
                         "佢哋喺度等緊巴士，等咗成個鐘。", "點解你唔早啲講？我都唔知。", "我啱啱先至收工，好攰呀。", "今日落大雨，唔好出街喇。"]
        try FileManager.default.createDirectory(atPath: folder + "/in", withIntermediateDirectories: true)
        for file in 0 ..< files {
            var bytes: [UInt8] = []
            for index in 0 ..< 200 {
                let n = file * 200 + index
                // Every 10th document repeats an earlier one (exact dedup), every 7th nearly does.
                let base = n % 10 == 9 ? n - 9 : n
                var text = (0 ..< (3 + base % 4)).map { sentences[(base + $0 * 3) % 8] }.joined()
                if n % 7 == 6 { text += "係咪？" }
                Document(id: "d\(n)", text: text, source: "gen").appendJSONLine(to: &bytes)
            }
            try Data(bytes).write(to: URL(fileURLWithPath: folder + "/in/part-\(file).jsonl"))
        }
        try "今日天氣好好，我哋去咗行山。\n\n晚黑返屋企食飯，阿媽煮咗好多餸。\n".write(toFile: folder + "/notes.txt", atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(atPath: Self.root + "/demo/samples/family-dinner.srt", toPath: folder + "/dinner.srt")
    }

    func writePipeline(_ folder: String, name: String, output: String, until: String = "") throws {
        let yaml = """
            sources:
              - hkcancor: {path: \(Self.root)/vendor/data/pycantonese/hkcancor}
              - text: {path: notes.txt, unit: paragraph}
              - subtitles: {path: "*.srt"}
            input: {paths: [in/*.jsonl]}
            output: {dir: \(output), compression: zst}
            workers: 1
            stages: [normalize, {langid: {keep: [yue, mixed], pack: \(Self.root)/langs/yue.yaml}}, pii]
            dedup: [exact, near]
            pack: {tokenizer: smollm2, workers: 1}
            """
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: folder + "/" + name))
    }

    /// Every output file by relative path, without what records when and where it ran.
    func outputs(_ folder: String) throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        let enumerator = FileManager.default.enumerator(atPath: folder)
        while let name = enumerator?.nextObject() as? String {
            let path = folder + "/" + name
            var isFolder: ObjCBool = false
            FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
            if isFolder.boolValue { continue }
            if name.hasPrefix("steps/") || name.hasPrefix("slurm/") || name == "manifest.json" || name.hasPrefix("markers/")
                || name.contains("/manifest.json") || name.hasSuffix("ingest-report.json") || name.contains(".dedup-work") { continue }
            files[name] = try readWholeFile(path)
        }
        return files
    }

    func vern(_ arguments: [String], in folder: String) throws -> VernBinary.Result {
        let result = try VernBinary.run(arguments, in: folder)
        if result.status != 0 { Issue.record("vern \(arguments.joined(separator: " ")) failed:\n\(result.output)\n\(result.error)") }
        return result
    }

    /// Job ids from vern's `submitted STEP: job ID` lines.
    func jobIDs(_ output: String) -> [String] {
        output.split(separator: "\n").compactMap { line in
            guard let range = line.range(of: "job ") else { return nil }
            return String(line[range.upperBound...].prefix { $0.isNumber })
        }
    }

    func scancel(_ ids: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/scancel")
        process.arguments = ids
        try process.run()
        process.waitUntilExit()
    }

    func waitForJobs(_ ids: [String], timeout: TimeInterval = 600) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/squeue")
            process.arguments = ["-h", "-j", ids.joined(separator: ",")]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = Pipe()
            try process.run()
            let listing = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            if listing.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return }
            try await Task.sleep(for: .milliseconds(300))
        }
        Issue.record("Slurm jobs \(ids) still queued after \(timeout) s")
    }

    @Test func slurmRunEqualsLocalRunByteForByte() async throws {
        let folder = NSTemporaryDirectory() + "vern-slurm-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try makeInputs(in: folder, files: 6)
        try writePipeline(folder, name: "local.yaml", output: "out-local")
        try writePipeline(folder, name: "slurm.yaml", output: "out-slurm")
        _ = try vern(["run", "local.yaml", "--quiet"], in: folder)

        let submitted = try vern(["run", "slurm.yaml", "--executor", "slurm", "--tasks", "3", "--cpus-per-task", "1"], in: folder)
        let ids = jobIDs(submitted.output)
        #expect(ids.count == 12, "3 sources, stages, exact dedup, near dedup's 6 phases, pack: \(submitted.output)")
        #expect(submitted.output.contains("dedup-near-signatures: job") && submitted.output.contains("(array tasks 0,1,2)"))
        try await waitForJobs(ids)
        let status = try vern(["status", "out-slurm"], in: folder).output
        #expect(status.split(separator: "\n").allSatisfy { $0.contains(" done ") }, "\(status)")
        let local = try outputs(folder + "/out-local"), slurm = try outputs(folder + "/out-slurm")
        #expect(!local.isEmpty)
        #expect(local.keys.sorted() == slurm.keys.sorted())
        for (name, bytes) in local {
            // pack.json names its input files, which sit under each run's own folder.
            let same = name == "pack/pack.json"
                ? String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "out-local/", with: "out-slurm/")
                    == String(decoding: slurm[name] ?? [], as: UTF8.self)
                : slurm[name] == bytes
            #expect(same, "\(name) differs")
        }
        #expect(local.keys.contains("pack/train.bin"))
        // Each array task wrote a log of its own.
        let logs = try FileManager.default.contentsOfDirectory(atPath: folder + "/out-slurm/slurm").filter { $0.hasSuffix(".log") }
        for step in ["stages", "dedup-near-signatures", "dedup-near-buckets", "dedup-near-filter"] {
            #expect(logs.filter { $0.hasPrefix(step + "-") }.count == 3, "\(step): \(logs)")
        }
        #expect(logs.filter { $0.hasPrefix("dedup-near-cluster-") }.count == 1)

        // Everything is finished: a second submission sends nothing.
        let again = try vern(["run", "slurm.yaml", "--executor", "slurm"], in: folder)
        #expect(again.output.contains("nothing submitted"))
    }

    @Test func aCancelledTaskIsResubmittedAlone() async throws {
        let folder = NSTemporaryDirectory() + "vern-slurm-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try makeInputs(in: folder, files: 8)
        try writePipeline(folder, name: "slurm.yaml", output: "out")
        try writePipeline(folder, name: "local.yaml", output: "out-local")
        _ = try vern(["run", "local.yaml", "--until", "stages", "--quiet"], in: folder)
        // The sources first, so the stages' shards are known when the array is resubmitted.
        let sources = try vern(["run", "slurm.yaml", "--executor", "slurm", "--until", "sources"], in: folder)
        try await waitForJobs(jobIDs(sources.output))

        let first = try vern(["run", "slurm.yaml", "--executor", "slurm", "--until", "stages", "--tasks", "4", "--cpus-per-task", "1"], in: folder)
        let array = try #require(jobIDs(first.output).first)
        // Two CPUs: tasks 0 and 1 run while 2 and 3 wait; cancel task 2 in the middle of the array.
        try scancel(["\(array)_2"])
        try await waitForJobs([array])
        let status = try vern(["status", "slurm.yaml"], in: folder).output
        #expect(status.contains("stages"), "\(status)")
        #expect(!status.contains("11/11 shards"), "the cancelled task's shards are missing: \(status)")

        let again = try vern(["run", "slurm.yaml", "--executor", "slurm", "--until", "stages", "--tasks", "4"], in: folder)
        #expect(again.output.contains("(array tasks 2)"), "only the cancelled task: \(again.output)")
        try await waitForJobs(jobIDs(again.output))
        let local = try outputs(folder + "/out-local"), slurm = try outputs(folder + "/out")
        for (name, bytes) in local where name.hasPrefix("documents/") || name == "stats.json" {
            #expect(slurm[name] == bytes, "\(name) differs")
        }
        #expect(local.keys.filter { $0.hasPrefix("documents/") }.count == 11)

        // The same for a dedup phase: cancel one task of the signatures array before it starts;
        // the phases after it wait on it for ever, so they are cancelled too.
        _ = try vern(["run", "local.yaml", "--until", "dedup", "--quiet"], in: folder)
        let dedup = try vern(["run", "slurm.yaml", "--executor", "slurm", "--until", "dedup", "--tasks", "4", "--cpus-per-task", "1"], in: folder)
        let dedupJobs = jobIDs(dedup.output)
        let lines = dedup.output.split(separator: "\n")
        let signing = try #require(lines.firstIndex { $0.hasPrefix("submitted dedup-near-signatures:") })
        let signatures = jobIDs(String(lines[signing]))[0]
        #expect(dedupJobs.count == 7, "exact and near's 6 phases: \(dedup.output)")
        try scancel(["\(signatures)_2"])
        try await waitForJobs([signatures])
        let after = Array(dedupJobs.drop { $0 != signatures }.dropFirst())
        try scancel(after)
        try await waitForJobs(after)
        let view = try vern(["status", "slurm.yaml"], in: folder).output
        let signingLine = try #require(view.split(separator: "\n").first { $0.hasPrefix("dedup-near-signatures") })
        #expect(signingLine.contains("/11 shards") && !signingLine.contains("11/11"), "the cancelled task's shards are missing: \(view)")

        let resumed = try vern(["run", "slurm.yaml", "--executor", "slurm", "--until", "dedup", "--tasks", "4"], in: folder)
        let resubmitted = try #require(resumed.output.split(separator: "\n").first)
        #expect(resubmitted.hasPrefix("submitted dedup-near-signatures:") && resubmitted.hasSuffix("(array tasks 2)"),
                "only the cancelled signatures task, then the phases after it: \(resumed.output)")
        try await waitForJobs(jobIDs(resumed.output))
        let localDedup = try outputs(folder + "/out-local"), slurmDedup = try outputs(folder + "/out")
        let compared = localDedup.filter { $0.key.hasPrefix("dedup-") }
        #expect(compared.keys.contains("dedup-near/removed.jsonl"))
        for (name, bytes) in compared { #expect(slurmDedup[name] == bytes, "\(name) differs") }
    }
}
