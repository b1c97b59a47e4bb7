import Foundation
import Testing
import VernacularCore

/// The runner's promise: a run killed with SIGKILL at any moment and run again produces output
/// byte-identical to a run never interrupted.
@Suite(.serialized) struct KillAndResumeTests {
    static let shardCount = 60

    /// Writes `shardCount` zstd input files of Cantonese-like documents, some with full-width
    /// letters (changed by normalize) and some blank (dropped by it).
    func makeCorpus(in folder: String) throws {
        let sentences = ["我哋今晚去邊度食飯呀？", "佢話聽日唔得閒喎。", "ＯＫ，冇問題。", "呢間餐廳啲嘢食好好味。",
                         "你食咗飯未呀？", "佢哋喺度等緊巴士。", "點解你唔早啲講？", "我啱啱先至收工。"]
        try FileManager.default.createDirectory(atPath: folder + "/in", withIntermediateDirectories: true)
        for shard in 0..<Self.shardCount {
            var bytes: [UInt8] = []
            for index in 0..<2500 {
                let n = shard * 2500 + index
                let text = n % 97 == 0 ? " \u{200B} " : (0..<(1 + n % 5)).map { sentences[(n + $0 * 3) % 8] }.joined()
                Document(id: "d\(n)", text: text, source: "gen", meta: ["n": JSONValue(n)]).appendJSONLine(to: &bytes)
            }
            let name = folder + "/in/part-\(String(format: "%03d", shard)).jsonl.zst"
            let (sink, _) = try FileByteSink.create(path: name)
            try sink.write(bytes)
            try sink.finish()
        }
    }

    func writePipeline(_ folder: String, name: String, output: String) throws {
        let yaml = """
            input: {paths: [in/*.jsonl.zst]}
            output: {dir: \(output), keep_dropped: true}
            workers: 2
            stages: [normalize]
            """
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: folder + "/" + name))
    }

    /// Every output file (documents, dropped, stats) by relative path.
    func outputs(_ folder: String) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for sub in ["documents", "dropped"] {
            for name in try FileManager.default.contentsOfDirectory(atPath: folder + "/" + sub) where !name.hasPrefix(".") {
                result[sub + "/" + name] = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + sub + "/" + name))
            }
        }
        result["stats.json"] = try Data(contentsOf: URL(fileURLWithPath: folder + "/stats.json"))
        return result
    }

    @Test func killedRunsResumeToByteIdenticalOutput() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("kill-\(UUID())").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try makeCorpus(in: root)
        try writePipeline(root, name: "reference.yaml", output: "reference")
        try writePipeline(root, name: "killed.yaml", output: "killed")

        let reference = try VernBinary.run(["run", "reference.yaml", "--quiet"], in: root)
        #expect(reference.status == 0, "\(reference.error)")

        var generator = SeededGenerator(seed: 20261127)
        var kills = 0
        var attempts = 0
        let markers = root + "/killed/markers"
        func finishedShards() -> Int {
            ((try? FileManager.default.contentsOfDirectory(atPath: markers)) ?? []).filter { $0.hasSuffix(".json") }.count
        }
        while attempts < 40 {
            attempts += 1
            let before = finishedShards()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: VernBinary.path)
            process.arguments = ["run", "killed.yaml", "--quiet"]
            process.currentDirectoryURL = URL(fileURLWithPath: root)
            process.standardError = FileHandle.nullDevice
            try process.run()
            if attempts % 3 == 1 {
                // Any moment, start-up included.
                usleep(UInt32.random(in: 10_000...200_000, using: &generator))
            } else {
                // After this run has finished at least one more shard, somewhere inside the next
                // one (or while it renames outputs and writes markers): whatever the machine's speed.
                let deadline = Date().addingTimeInterval(60)
                while process.isRunning, finishedShards() <= before, Date() < deadline { usleep(2_000) }
                usleep(UInt32.random(in: 0...40_000, using: &generator))
            }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                kills += 1
                if kills >= 6 { break }
            } else {
                process.waitUntilExit()
                break
            }
        }
        let final = try VernBinary.run(["run", "killed.yaml", "--quiet", "--json"], in: root)
        #expect(final.status == 0, "\(final.error)")
        #expect(kills >= 3, "the run finished before it could be killed often enough")
        // The killed runs got somewhere: the last run resumed shards instead of redoing them.
        let summary = try JSONSerialization.jsonObject(with: Data(final.output.utf8)) as? [String: Any]
        #expect((summary?["shards_resumed"] as? Int ?? 0) > 0)

        let expected = try outputs(root + "/reference")
        let actual = try outputs(root + "/killed")
        #expect(expected.count == 2 * Self.shardCount + 1)
        #expect(Set(actual.keys) == Set(expected.keys))
        for (name, data) in expected {
            #expect(actual[name] == data, "\(name) differs after \(kills) kills")
        }
    }
}

/// SplitMix64: a deterministic generator so kill times repeat from run to run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
