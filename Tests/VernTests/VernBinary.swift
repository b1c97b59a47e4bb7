import Foundation

/// Runs the `vern` executable built beside the tests (swift build puts it in the same folder).
enum VernBinary {
    static var path: String {
        if let override = ProcessInfo.processInfo.environment["VERN_BINARY"] { return override }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return packageRoot.appendingPathComponent(".build/debug/vern").path
    }

    struct Result {
        let status: Int32
        let output: String
        let error: String
    }

    /// Runs vern to completion with `arguments`, feeding `input` on standard input.
    static func run(_ arguments: [String], input: String? = nil, in folder: String? = nil) throws -> Result {
        try run(arguments, bytes: input.map { Array($0.utf8) }, in: folder)
    }

    /// Runs vern with raw bytes on standard input (for input that is not valid UTF-8).
    static func run(_ arguments: [String], bytes input: [UInt8]?, in folder: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
        let stdout = Pipe(), stderr = Pipe(), stdin = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input)) }
        try stdin.fileHandleForWriting.close()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: out, as: UTF8.self),
                      error: String(decoding: err, as: UTF8.self))
    }
}
