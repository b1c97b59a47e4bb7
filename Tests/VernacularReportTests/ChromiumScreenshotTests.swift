import Foundation
import Testing
@testable import VernacularReport

/// Debian's headless Chromium, when it is installed (it is not part of the default bootstrap).
enum Chromium {
    static let path: String? = {
        if let given = ProcessInfo.processInfo.environment["VERN_CHROMIUM"], !given.isEmpty { return given }
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
        for name in ["chromium", "chromium-browser"] {
            for folder in folders where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
                return "\(folder)/\(name)"
            }
        }
        return nil
    }()
}

@Suite struct ChromiumScreenshotTests {
    @Test(.enabled(if: Chromium.path != nil, "no chromium on PATH (apt-get install -y chromium); screenshot check skipped"),
          .timeLimit(.minutes(2)))
    func reportRendersInHeadlessChromium() throws {
        let folder = try TestFolder()
        let runFolder = try RunFixture.run(in: folder)
        let page = folder.file("report.html"), shot = folder.file("report.png")
        try RunReport.write(runFolder: runFolder, to: page)

        let (width, height) = (1280, 1800)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Chromium.path!)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                             "--user-data-dir=\(folder.file("profile"))", "--window-size=\(width),\(height)",
                             "--screenshot=\(shot)", "file://\(page)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // A browser that hangs must not hang the suite.
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 90, execute: watchdog)
        process.waitUntilExit()
        watchdog.cancel()
        #expect(process.terminationStatus == 0)

        let png = try [UInt8](Data(contentsOf: URL(fileURLWithPath: shot)))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        func bigEndian(_ offset: Int) -> Int { png[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) } }
        // IHDR follows the signature: width and height of the page as asked.
        #expect(Array(png[12..<16]) == Array("IHDR".utf8))
        #expect(bigEndian(16) == width)
        #expect(bigEndian(20) == height)
        // A blank page of this size compresses to a few kilobytes; text, tables and charts do not.
        #expect(png.count > 40_000, "screenshot is only \(png.count) bytes: blank page?")
    }
}
