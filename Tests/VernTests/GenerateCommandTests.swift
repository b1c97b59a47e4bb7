import Foundation
import Testing

/// `vern generate` as a user sees it on a terminal: stdout and stderr on one stream.
@Suite(.enabled(if: SmolLM2Tokenizer.available, "run make bootstrap to install SmolLM2 (its tokenizer)"))
struct GenerateCommandTests {
    /// The generated text ends on its own line before the timing line, even when it ends
    /// without a newline ("...residing inprompt: 5 tokens" was the bug).
    @Test func timingLineStartsOnItsOwnLine() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("generate-\(UUID())").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try TrainKillAndResumeTests().writeTinyModel(to: root + "/tiny")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: VernBinary.path)
        process.arguments = ["generate", "--model", root + "/tiny", "-p", "The capital of France is", "--max-tokens", "6",
                             "--temperature", "0"]
        let both = Pipe()
        process.standardOutput = both
        process.standardError = both
        try process.run()
        let output = String(decoding: both.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)")
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        let timing = try #require(lines.firstIndex { $0.contains("prompt: ") && $0.contains("t/s") }, "\(output)")
        #expect(lines[timing].hasPrefix("prompt: "), "timing line glued to the text: \(output)")
        // The model's load line comes first on stderr; the text follows it on its own lines.
        let text = lines[..<timing].filter { !$0.hasPrefix("loaded ") }.joined(separator: "\n")
        #expect(text.hasPrefix("The capital of France is"), "\(output)")
    }
}
