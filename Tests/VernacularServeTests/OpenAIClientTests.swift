import Foundation
import Testing

/// The official `openai` Python package against a real `vern serve`: plain and streamed chats,
/// the chunk format, usage, stop strings, typed errors, and many clients at once (200 or 429).
@Suite(.serialized, .enabled(if: ServeTestModel.available, "run make bootstrap to install SmolLM2"))
struct OpenAIClientTests {
    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Python/openai_client_check.py").path
    }

    static var python: String? {
        guard let python = findOnPath(["python3"]),
              (try? runProgram(python, ["-c", "import openai"]).status) == 0 else { return nil }
        return python
    }

    @Test(.enabled(if: python != nil, "python3 with the openai package is not installed (pip install openai): skipped"))
    func openAIPackageDrivesTheServerAndItShutsDownCleanly() async throws {
        let server = try ServerProcess(arguments: ["--slots", "2", "--max-queue", "2", "--api-key", "test-key"])
        try await server.waitUntilReady()
        let result = try runProgram(try #require(Self.python), [Self.script, server.baseURL, "test-key"])
        print(result.output)
        #expect(result.status == 0, "openai client checks failed:\n\(result.output)\nserver log:\n\(server.output)")
        #expect(result.output.contains("all checks passed"))

        // Graceful shutdown: a streaming request in flight when SIGTERM arrives still ends with [DONE].
        let body = #"{"messages":[{"role":"user","content":"Tell me a story."}],"max_tokens":40,"stream":true}"#
        let curl = try #require(findOnPath(["curl"]))
        let inFlight = Task.detached {
            try runProgram(curl, ["-sN", server.baseURL + "/v1/chat/completions", "-H", "Authorization: Bearer test-key",
                                  "-H", "Content-Type: application/json", "-d", body])
        }
        try await Task.sleep(for: .milliseconds(400))
        let status = try await server.stop()
        let streamed = try await inFlight.value
        #expect(status == 0, "vern serve exits 0 after SIGTERM; log:\n\(server.output)")
        #expect(streamed.output.hasSuffix("data: [DONE]\n\n"), "the running stream finished: \(streamed.output.suffix(300))")
    }
}
