import Foundation
import Testing

/// The chat page in headless Chromium at a phone's size: a typed mixed Cantonese and English
/// message gets a streamed answer, the stop button ends one and frees the slot, and with the server
/// stopped the page shows a clear error. Screenshots go to .build/serve-page/ (Debian `chromium`;
/// skipped when it is not installed: apt-get install -y chromium fonts-wqy-zenhei).
@Suite(.serialized, .enabled(if: ServeTestModel.available, "run make bootstrap to install SmolLM2"))
struct ChatPageBrowserTests {
    static var chromium: String? { findOnPath(["chromium", "chromium-browser"]) }
    static var python: String? { findOnPath(["python3"]) }
    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Python/chat_page_check.py").path
    }

    @Test(.enabled(if: chromium != nil && python != nil, "chromium (or python3) is not installed: chat page test skipped"))
    func typedMessageStreamsStopWorksAndAStoppedServerShowsAnError() async throws {
        let server = try ServerProcess(arguments: ["--slots", "2"])
        try await server.waitUntilReady()
        let out = ServeTestModel.packageRoot.appendingPathComponent(".build/serve-page").path
        try? FileManager.default.removeItem(atPath: out)
        let result = try runProgram(try #require(Self.python),
                                    [Self.script, try #require(Self.chromium), server.baseURL,
                                     String(server.process.processIdentifier), out], timeout: 400)
        print(result.output)
        _ = try await server.stop()
        #expect(result.status == 0, "chat page checks failed:\n\(result.output)\nserver log:\n\(server.output)")
        for name in ["chat-answer.png", "chat-server-stopped.png"] {
            let size = (try? FileManager.default.attributesOfItem(atPath: out + "/" + name)[.size] as? Int) ?? 0
            #expect(size > 10_000, "\(name) is a real screenshot (\(size) bytes)")
        }
    }
}
