import Foundation
import Testing
import VernacularEngine
@testable import VernacularModels

/// Prints decode-step times for 1, 2 and 4 sequences (a measurement, not a check); run with
/// VERN_SERVE_TIMING=1.
@Suite(.enabled(if: ServeTestModel.available && ProcessInfo.processInfo.environment["VERN_SERVE_TIMING"] != nil))
struct DecodeTimingTests {
    @Test func decodeStepTimes() throws {
        let loaded = try ServeTestModel.load()
        let model = loaded.model
        let prompt = loaded.tokenizer.encode("The capital of France is", addSpecialTokens: true).map(Int.init)
        for batch in [1, 2, 4, 8] {
            let caches = try (0..<batch).map { _ -> KVCache in
                let cache = model.newCache()
                _ = try model(MLXArray(ints: prompt.map(Int32.init), [1, prompt.count]), cache: cache, lastOnly: true).asFloats()
                return cache
            }
            let steps = 20
            let start = Date()
            for _ in 0..<steps { _ = try model.decodeStep(tokens: Array(repeating: 42, count: batch), caches: caches).asFloats() }
            let perStep = Date().timeIntervalSince(start) / Double(steps)
            print(String(format: "decodeStep B=%d: %.1f ms/step, %.0f tokens/s", batch, perStep * 1000, Double(batch) / perStep))
        }
    }
}
