import Testing
@testable import VernacularEngine

/// Our attention and gated-activation kernels against the same computations built from MLX
/// operations, and the attention against a hand-worked case.
@Suite struct FusedKernelTests {
    func maxRelativeDifference(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count)
        let scale = max(b.map { Swift.abs($0) }.max() ?? 1, 1e-6)
        return zip(a, b).map { Swift.abs($0 - $1) }.max()! / scale
    }

    @Test func attentionOfOneQueryIsTheWeightedMeanOfValues() throws {
        // One head, D = 2, keys at positions 0 and 1: scores q·k = [1, 0] (scale 1), so the
        // weights are softmax([1, 0]) = [e/(e+1), 1/(e+1)].
        let q = try MLXArray([1, 0], [1, 1, 1, 2])
        let k = try MLXArray([1, 0, 0, 1], [1, 1, 2, 2])
        let v = try MLXArray([10, 20, 30, 40], [1, 1, 2, 2])
        let out = try causalAttention(queries: q, keys: k, values: v, scale: 1).asFloats()
        let w0 = Float(2.718281828 / (2.718281828 + 1))
        #expect(Swift.abs(out[0] - (w0 * 10 + (1 - w0) * 30)) < 1e-4)
        #expect(Swift.abs(out[1] - (w0 * 20 + (1 - w0) * 40)) < 1e-4)
        // With a window of 1 the query sees only its own key (position 1).
        let windowed = try causalAttention(queries: q, keys: k, values: v, scale: 1, window: 1).asFloats()
        #expect(windowed == [30, 40])
    }

    @Test(arguments: [
        // (B, H, Hkv, T, S, D, window)
        (1, 9, 3, 7, 7, 64, 0),      // prompt, grouped heads
        (2, 4, 4, 5, 12, 16, 0),     // prompt after a cache, batch of two
        (1, 4, 1, 1, 30, 256, 0),    // decoding one token, Gemma's head size
        (1, 4, 2, 9, 9, 8, 4),       // sliding window shorter than the prompt
        (1, 2, 1, 3, 10, 40, 6),     // window, cache, head size not a multiple of 8
        (1, 3, 1, 200, 220, 64, 0),  // long prompt after a cache: BLAS blocks of queries
        (2, 2, 2, 150, 150, 32, 40), // long prompt, sliding window: blocks see part of the keys
    ])
    func attentionMatchesMLXOperations(_ shape: (Int, Int, Int, Int, Int, Int, Int)) throws {
        let (b, h, hkv, t, s, d, window) = shape
        // Queries come in as a transposed view, as the models make them.
        let q = try transposed(randomNormal([b, t, h, d], seed: 1), axes: [0, 2, 1, 3])
        let k = try randomNormal([b, hkv, s, d], seed: 2)
        let v = try randomNormal([b, hkv, s, d], seed: 3)
        let scale = 1 / Float(d).squareRoot()
        let ours = try causalAttention(queries: q, keys: k, values: v, scale: scale, window: window == 0 ? nil : window)
        let reference = try causalAttention(queries: q, keys: k, values: v, scale: scale, window: window == 0 ? nil : window,
                                            reference: true)
        #expect(ours.shape == [b, t, h * d])
        #expect(maxRelativeDifference(try ours.asFloats(), try reference.asFloats()) < 1e-5)
    }

    @Test func attentionRejectsMismatchedHeads() throws {
        let q = try randomNormal([1, 5, 2, 8], seed: 1)
        let kv = try randomNormal([1, 2, 2, 8], seed: 2)
        #expect(throws: EngineError.self) { try causalAttention(queries: q, keys: kv, values: kv, scale: 1) }
    }

    @Test func attentionGradientsFollowTheReference() throws {
        let q = try randomNormal([1, 2, 4, 8], seed: 4)
        let k = try randomNormal([1, 1, 4, 8], seed: 5)
        let v = try randomNormal([1, 1, 4, 8], seed: 6)
        func gradients(reference: Bool) throws -> [[Float]] {
            try valueAndGrad([q, k, v], argnums: [0, 1, 2]) { x in
                [try sum(square(causalAttention(queries: x[0], keys: x[1], values: x[2], scale: 0.3, reference: reference)))]
            }.gradients.map { try $0.asFloats() }
        }
        for (ours, reference) in zip(try gradients(reference: false), try gradients(reference: true)) {
            #expect(maxRelativeDifference(ours, reference) < 1e-5)
        }
    }

    /// Our backward kernel against MLX's gradient of the reference composite, on shapes that
    /// cross the 128-query block, with a cache (fewer queries than keys), a window, grouped
    /// heads and queries given as a transposed view (as the models pass them).
    @Test(arguments: [(150, 170, 0), (150, 150, 40), (9, 300, 0)])
    func attentionGradientsFollowTheReferenceAcrossBlocks(_ shape: (Int, Int, Int)) throws {
        let (t, s, window) = shape
        let q = try transposed(randomNormal([2, t, 4, 16], seed: 21), axes: [0, 2, 1, 3])
        let k = try randomNormal([2, 2, s, 16], seed: 22)
        let v = try randomNormal([2, 2, s, 16], seed: 23)
        let probe = try randomNormal([2, t, 4 * 16], seed: 24)
        func gradients(reference: Bool) throws -> [[Float]] {
            try valueAndGrad([q, k, v], argnums: [0, 1, 2]) { x in
                [try sum(causalAttention(queries: x[0], keys: x[1], values: x[2], scale: 0.25,
                                         window: window == 0 ? nil : window, reference: reference) * probe)]
            }.gradients.map { try $0.asFloats() }
        }
        let ours = try gradients(reference: false), reference = try gradients(reference: true)
        for (index, name) in ["dq", "dk", "dv"].enumerated() {
            #expect(maxRelativeDifference(ours[index], reference[index]) < 1e-4, "\(name)")
        }
    }

    @Test func crossEntropyMatchesMLXOperations() throws {
        // 1,037 logits leave a tail after the 16-wide loop; 37 rows split over two threads.
        let logits = try randomNormal([37, 1037], seed: 31) * 5
        let targets = try MLXArray(ints: (0..<37).map { Int32(($0 * 97) % 1037) }, [37])
        let ours = try crossEntropy(logits: logits, targets: targets)
        let reference = try crossEntropy(logits: logits, targets: targets, reference: true)
        #expect(ours.shape == [37])
        #expect(maxRelativeDifference(try ours.asFloats(), try reference.asFloats()) < 1e-5)
        let weights = try randomNormal([37], seed: 32)
        func gradient(reference: Bool) throws -> [Float] {
            try valueAndGrad([logits], argnums: [0]) { x in
                [try sum(crossEntropy(logits: x[0], targets: targets, reference: reference) * weights)]
            }.gradients[0].asFloats()
        }
        #expect(maxRelativeDifference(try gradient(reference: false), try gradient(reference: true)) < 1e-5)
    }

    @Test func crossEntropyOfATargetOutsideTheVocabularyIsNaN() throws {
        let logits = try randomNormal([2, 3, 10], seed: 33)
        let losses = try crossEntropy(logits: logits, targets: MLXArray(ints: [0, 9, 10, 3, -1, 5], [2, 3])).asFloats()
        #expect(losses.map(\.isNaN) == [false, false, true, false, true, false])
        #expect(throws: EngineError.self) { try crossEntropy(logits: logits, targets: MLXArray(ints: [0, 1], [2])) }
    }

    @Test(arguments: [GateActivation.silu, .geluTanh])
    func gatedActivationMatchesMLXOperations(_ activation: GateActivation) throws {
        // Wide values reach both tails of the sigmoid; 1,037 elements leave a tail after the
        // 8-wide loop and split over two threads.
        let gate = try randomNormal([1, 1037], seed: 7) * 6
        let up = try randomNormal([1, 1037], seed: 8)
        let ours = try gatedActivation(gate, up, activation).asFloats()
        let reference = try gatedActivation(gate, up, activation, reference: true).asFloats()
        #expect(maxRelativeDifference(ours, reference) < 1e-5)
        let large = try randomNormal([64, 1536], seed: 9)
        #expect(maxRelativeDifference(try gatedActivation(large, large, activation).asFloats(),
                                      try gatedActivation(large, large, activation, reference: true).asFloats()) < 1e-5)
    }

    @Test(arguments: [GateActivation.silu, .geluTanh])
    func stackedGateAndUpMatchSeparateOnes(_ activation: GateActivation) throws {
        // One decoding row (split across threads) and a prompt of rows.
        for rows in [1, 37] {
            let gate = try randomNormal([rows, 1536 * 2 + 8], seed: 13) * 4
            let up = try randomNormal([rows, 1536 * 2 + 8], seed: 14)
            let stacked = try concatenated([gate, up], axis: -1)
            let ours = try gatedActivation(stacked: stacked, activation)
            #expect(ours.shape == [rows, 1536 * 2 + 8])
            #expect(maxRelativeDifference(try ours.asFloats(), try gatedActivation(gate, up, activation, reference: true).asFloats()) < 1e-5)
        }
        #expect(throws: EngineError.self) { try gatedActivation(stacked: randomNormal([2, 7], seed: 1), activation) }
    }

    @Test func geluReferenceIsTheTanhApproximation() throws {
        let x = try randomNormal([1, 64], seed: 10) * 3
        let ones = try full([1, 64], value: 1)
        let gated = try gatedActivation(x, ones, .geluTanh).asFloats()
        let composite = try geluApproximate(x).asFloats()
        #expect(maxRelativeDifference(gated, composite) < 1e-5)
    }

    @Test func gatedActivationGradientsFollowTheReference() throws {
        let gate = try randomNormal([3, 16], seed: 11)
        let up = try randomNormal([3, 16], seed: 12)
        for activation in [GateActivation.silu, .geluTanh] {
            func gradients(reference: Bool) throws -> [[Float]] {
                try valueAndGrad([gate, up], argnums: [0, 1]) { x in
                    [try sum(square(gatedActivation(x[0], x[1], activation, reference: reference)))]
                }.gradients.map { try $0.asFloats() }
            }
            for (ours, reference) in zip(try gradients(reference: false), try gradients(reference: true)) {
                #expect(maxRelativeDifference(ours, reference) < 1e-5)
            }
        }
    }
}

/// llama.cpp's 8-bit rounding of matmul inputs, worked by hand.
@Suite struct ActivationRoundingTests {
    @Test func blocksOf32RoundToLevelsOfTheirLargestMagnitude() throws {
        // Block 1: largest |x| is 2.54, so the step is 0.02 and 0.013 rounds to 0.02, −1.001 to −1.0.
        var values = [Float](repeating: 0, count: 64)
        values[0] = 2.54; values[1] = 0.013; values[2] = -1.001
        values[32] = -0.5; values[33] = 0.25  // block 2: step 0.5/127
        let rounded = try roundedLikeLlamaCpp(MLXArray(values, [1, 64]), .q8Blocks32).asFloats()
        #expect(Swift.abs(rounded[0] - 2.54) < 1e-6)
        #expect(Swift.abs(rounded[1] - 0.02) < 1e-6)
        #expect(Swift.abs(rounded[2] - -1.0) < 1e-6)
        #expect(rounded[3] == 0)
        let step: Float = 0.5 / 127
        #expect(Swift.abs(rounded[33] - (0.25 / step).rounded() * step) < 1e-7)
        #expect(rounded[33] != 0.25)
    }

    @Test func blocksOf256MapTheSignedExtremeToMinus127() throws {
        // The largest magnitude is −1.27: iscale = 100, so 0.505 -> 50.5 -> 50 (to even) -> 0.5,
        // and +1.27 -> 127 -> 1.27.
        var values = [Float](repeating: 0.1, count: 256)
        values[0] = -1.27; values[1] = 0.505; values[2] = 1.27
        let rounded = try roundedLikeLlamaCpp(MLXArray(values, [256]), .q8KBlocks256).asFloats()
        #expect(Swift.abs(rounded[0] - -1.27) < 1e-6)
        #expect(Swift.abs(rounded[1] - 0.5) < 1e-6)
        #expect(Swift.abs(rounded[2] - 1.27) < 1e-6)
        #expect(Swift.abs(rounded[3] - 0.1) < 1e-6)
        #expect(throws: EngineError.self) { try roundedLikeLlamaCpp(MLXArray(values, [2, 128]), .q8KBlocks256) }
    }
}
