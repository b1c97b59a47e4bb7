import Foundation
import Testing
import VernacularCore
import VernacularTokenizer
@testable import VernacularPack

/// The bar for the format: an independent reader (numpy, written from the published layout in
/// Python/check_megatron.py) sees the same tokens and document boundaries. Runs where python3 has numpy.
@Suite(.enabled(if: Python.hasNumpy, "needs python3 with numpy"))
struct NumpyReaderTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Python/check_megatron.py").path

    static func runPython(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try Python.run(arguments)
    }

    @Test(arguments: [false, true])
    func numpyReadsWhatWeWrote(wideIDs: Bool) throws {
        let folder = try IndexedDatasetTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let tokenizer = try TokenizerFile.load(path: PackerTests.tokenizerPath)
        let documents = try DocumentReading.readAll(path: PackerTests.documentsPath).filter { !$0.text.isEmpty }
        var expected = documents.map { tokenizer.encode($0.text, addSpecialTokens: false) + [0] }
        let dtype: MegatronDType = wideIDs ? .int32 : .uint16
        if wideIDs {
            // Ids beyond uint16 and negative-looking bit patterns must survive int32 storage.
            expected.append([70_000, 262_143, 0])
            let writer = try IndexedDatasetWriter(prefix: folder + "/train", dtype: dtype)
            for document in expected { try writer.append(document: document) }
            try writer.finish()
        } else {
            _ = try Packer(tokenizer: tokenizer, tokenizerName: "tiny", configuration: PackerTests.configuration())
                .pack(files: [PackerTests.documentsPath], output: folder)
        }
        let expectation: [String: Any] = ["dtype_code": Int(dtype.rawValue), "documents": expected.map { $0.map(Int.init) }]
        try JSONSerialization.data(withJSONObject: expectation).write(to: URL(fileURLWithPath: folder + "/expected.json"))
        let result = try Self.runPython([Self.script, folder + "/train", folder + "/expected.json"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines) == "ok")
    }
}

/// python3 through the PATH, for checks against independent implementations.
enum Python {
    static let hasNumpy: Bool = (try? run(["-c", "import numpy"]).status) == 0

    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
