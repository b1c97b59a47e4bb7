import Foundation
import Testing
import VernacularEngine
import VernacularIngest
@testable import VernacularModels

/// The real models the bootstrap installs (vendor/models). Set VERNACULAR_MODELS to look elsewhere.
enum InstalledModels {
    static var folder: String {
        ProcessInfo.processInfo.environment["VERNACULAR_MODELS"]
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("vendor/models").path
    }
    static var smolLM2: String { folder + "/SmolLM2-135M-Instruct.Q4_1.gguf" }
    static var gemma3: String { folder + "/gemma-3-270m-q4_k_m.gguf" }
    static var available: Bool {
        FileManager.default.fileExists(atPath: smolLM2) && FileManager.default.fileExists(atPath: gemma3)
    }

    /// Conversational Cantonese from HKCanCor as pycantonese ships it (CC BY 4.0).
    static func cantoneseSample() throws -> String {
        let file = folder + "/../data/pycantonese/hkcancor/FC-001_v2.cha"
        let document = try #require(try HKCanCorReader().document(file: file))
        return String(document.text.prefix(400))
    }
}

@Suite(.serialized, .enabled(if: InstalledModels.available, "run make bootstrap to install the models"))
struct RealModelTests {
    @Test func smolLM2GreedyContinuationKnowsParis() throws {
        let loaded = try ModelLoader.load(path: InstalledModels.smolLM2)
        #expect(loaded.architecture == "llama")
        #expect(loaded.chatTemplate == .chatML)
        let prompt = loaded.tokenizer.encode("The capital of France is", addSpecialTokens: true).map(Int.init)
        let result = try Generator(loaded).generate(prompt: prompt, parameters: GenerationParameters(maxTokens: 8, sampling: .greedy))
        #expect(result.text.contains("Paris"), "got \(result.text)")
    }

    @Test func gemma3LoadsAndBeatsSmolLM2OnCantoneseInBitsPerCharacter() throws {
        let text = try InstalledModels.cantoneseSample()
        func bitsPerCharacter(_ path: String) throws -> PerplexityResult {
            let loaded = try ModelLoader.load(path: path)
            let tokenizer = loaded.tokenizer
            let stream = (tokenizer.bosTokenID.map { [Int($0)] } ?? []) + tokenizer.encode(text, addSpecialTokens: false).map(Int.init)
            return try PerplexityEvaluator(model: loaded.model, context: 256, convention: .strided,
                                           bosID: tokenizer.bosTokenID.map(Int.init),
                                           tokenBytes: { tokenizer.tokenBytes(Int32($0)) }).evaluate(streams: [stream])
        }
        let gemma = try bitsPerCharacter(InstalledModels.gemma3)
        let smol = try bitsPerCharacter(InstalledModels.smolLM2)
        #expect(gemma.bitsPerChar.isFinite && gemma.bitsPerChar > 0)
        #expect(gemma.chars == smol.chars, "both scored the same characters")
        #expect(gemma.bitsPerChar < smol.bitsPerChar, "gemma \(gemma.bitsPerChar) vs smollm2 \(smol.bitsPerChar)")
    }

    @Test func truncatedOrForeignFilesGiveClearErrors() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("models-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let handle = try #require(FileHandle(forReadingAtPath: InstalledModels.smolLM2))
        let head = handle.readData(ofLength: 1 << 20)
        try head.write(to: URL(fileURLWithPath: folder + "/cut.gguf"))
        #expect { try ModelLoader.load(path: folder + "/cut.gguf") } throws: { "\($0)".contains("cut.gguf") }
        try Data("not a model at all".utf8).write(to: URL(fileURLWithPath: folder + "/text.gguf"))
        #expect { try ModelLoader.load(path: folder + "/text.gguf") } throws: { "\($0)".contains("text.gguf") }
    }
}
