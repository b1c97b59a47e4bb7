import Foundation
import Synchronization
import Testing
import VernacularCore
@testable import VernacularSynth

/// `vern synth` as users run it: a separate process, killed mid-job and started again, and
/// against a real `vern serve` with a real model.
@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: Repository.vern), "build vern first (swift build)"))
struct ProcessTests {
    static func launch(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Repository.vern)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    static func run(_ arguments: [String]) async throws -> Int32 {
        let process = try launch(arguments)
        while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        return process.terminationStatus
    }

    static func cachedHashes(_ folder: String) -> Set<String> {
        let names = (FileManager.default.enumerator(atPath: folder + "/cache")?.allObjects as? [String]) ?? []
        return Set(names.filter { $0.hasSuffix(".json") }.map { String(($0 as NSString).lastPathComponent.dropLast(5)) })
    }

    static func outputFiles(_ folder: String) throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for sub in ["documents", "rejected"] {
            for name in try FileManager.default.contentsOfDirectory(atPath: folder + "/" + sub) {
                files[sub + "/" + name] = try readWholeFile(folder + "/" + sub + "/" + name)
            }
        }
        return files
    }

    @Test func killedJobResumesWithoutAskingAgainAndMatchesAnUninterruptedRun() async throws {
        // One request at a time, 0.4 s each: the job takes seconds, so the kill lands mid-job even on a loaded machine.
        let server = FaultServer(delay: 0.4)
        try await server.start()
        defer { server.stop() }
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let input = folder + "/swc.jsonl"
        try writeDocuments((0 ..< 16).map { ("doc-\($0)", "第\($0)句：今天我們去了很多地方。") }, to: input)
        func arguments(_ output: String) -> [String] {
            ["synth", "translate", "--endpoint", server.baseURL, "--model", "fault", "-i", input, "-o", output,
             "--concurrency", "1", "--items-per-shard", "4", "--compression", "none", "--retry-delay", "0.05", "-q",
             "--pack", Repository.pack]
        }
        #expect(try await Self.run(arguments(folder + "/reference")) == 0)

        let start = server.received.count
        let killed = try Self.launch(arguments(folder + "/job"))
        let deadline = Date().addingTimeInterval(60)
        while Self.cachedHashes(folder + "/job").count < 3, Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        kill(killed.processIdentifier, SIGKILL)
        while killed.isRunning { try await Task.sleep(for: .milliseconds(10)) }
        let answeredAtKill = Self.cachedHashes(folder + "/job")
        #expect(answeredAtKill.count >= 3 && answeredAtKill.count < 16, "killed mid-job: \(answeredAtKill.count) answers")

        let resumedFrom = server.received.count
        #expect(try await Self.run(arguments(folder + "/job")) == 0)
        let resent = Set(server.received[resumedFrom...].map(\.bodyHash))
        #expect(resent.isDisjoint(with: answeredAtKill), "a request already answered was sent again")
        #expect(server.received.count - resumedFrom == 16 - answeredAtKill.count)
        #expect(Set(server.received[start...].map(\.bodyHash)).count == 16)
        #expect(try Self.outputFiles(folder + "/job") == Self.outputFiles(folder + "/reference"))

        // A finished job run again sends nothing and changes nothing.
        let finishedAt = server.received.count
        let before = try Self.outputFiles(folder + "/job")
        #expect(try await Self.run(arguments(folder + "/job")) == 0)
        #expect(server.received.count == finishedAt)
        #expect(try Self.outputFiles(folder + "/job") == before)
        let stats = try #require(SynthStats.read(folder: folder + "/job"))
        #expect(stats.lastRun.requests == 0)
        #expect(stats.kept + stats.rejected.values.reduce(0, +) == 16)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: Repository.smolLM2), "run make bootstrap to install SmolLM2"))
    func againstARealServer() async throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let log = folder + "/requests.jsonl"
        let server = Process()
        server.executableURL = URL(fileURLWithPath: Repository.vern)
        server.arguments = ["serve", "--model", Repository.smolLM2, "--model-id", "smollm2", "--port", "0", "--slots", "3",
                            "--request-log", log]
        let pipe = Pipe()
        server.standardError = pipe
        server.standardOutput = pipe
        let output = Mutex("")
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let text = String(decoding: handle.availableData, as: UTF8.self)
            output.withLock { $0 += text }
        }
        try server.run()
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        var port = ""
        let deadline = Date().addingTimeInterval(120)
        while port.isEmpty || !output.withLock({ $0.contains("ready") }) {
            if port.isEmpty, let range = output.withLock({ $0 }).range(of: #"127\.0\.0\.1:\d+"#, options: .regularExpression) {
                port = String(output.withLock { $0 }[range].split(separator: ":")[1])
            }
            guard server.isRunning, Date() < deadline else { Issue.record("vern serve did not start: \(output.withLock { $0 })"); return }
            try await Task.sleep(for: .milliseconds(50))
        }
        // Short answers keep the test quick; a newline ends a one-line translation.
        let template = folder + "/short.yaml"
        try """
            task: translate
            system: "Translate into Cantonese. Reply with the translation only."
            user: "{text}"
            temperature: 0
            max_tokens: 12
            stop: ["\\n"]
            """.write(toFile: template, atomically: true, encoding: .utf8)
        let input = folder + "/swc.jsonl"
        try writeDocuments([("1", "今天天氣很好。"), ("2", "他們沒有去海灘。"), ("3", "The train is late.")], to: input)
        let arguments = ["synth", "translate", "--endpoint", "http://127.0.0.1:\(port)/v1", "--model", "smollm2", "-i", input,
                         "-o", folder + "/job", "--template", template, "--compression", "none", "-q", "--pack", Repository.pack]
        #expect(try await Self.run(arguments) == 0)
        let logged = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        #expect(logged.count == 3)
        let outputs = try records(in: folder + "/job/documents") + records(in: folder + "/job/rejected")
        let provenance = Set(outputs.map { (($0["meta"] as! [String: Any])["synth"] as! [String: Any])["request_hash"] as! String })
        #expect(provenance == Set(logged.map { $0["body_sha256"] as! String }))
        #expect(outputs.allSatisfy { !(($0["text"] as? String) ?? "").isEmpty })
        let stats = try #require(SynthStats.read(folder: folder + "/job"))
        #expect(stats.lastRun.completionTokens > 0)
        #expect(stats.lastRun.completionTokens <= 36)

        #expect(try await Self.run(arguments) == 0)
        #expect(try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").count == 3, "the rerun asked the server again")
        server.terminate()
    }
}

