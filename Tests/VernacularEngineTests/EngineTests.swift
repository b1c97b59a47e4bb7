import Testing
@testable import VernacularEngine

@Suite struct EngineTests {
    @Test func matmulMatchesHandComputation() throws {
        let a = try MLXArray([1, 2, 3, 4, 5, 6], [2, 3])
        let b = try MLXArray([7, 8, 9, 10, 11, 12], [3, 2])
        #expect(try matmul(a, b).asFloats() == [58, 64, 139, 154])
        #expect(try matmul(a, b).shape == [2, 2])
    }

    @Test func shapeErrorsAreThrownNotFatal() throws {
        let a = try MLXArray([1, 2, 3, 4, 5, 6], [2, 3])
        #expect(throws: EngineError.self) { try matmul(a, a) }
        #expect(throws: EngineError.self) { try reshaped(a, [4, 2]) }
        #expect(throws: EngineError.self) { try MLXArray([1, 2, 3], [2, 2]) }
    }

    @Test func softmaxAndReductions() throws {
        let x = try MLXArray([1, 2, 3, 1, 1, 1], [2, 3])
        let probabilities = try softmax(x, axis: -1).asFloats()
        let expected: [Float] = [0.09003057, 0.24472848, 0.66524094, 1 / Float(3), 1 / Float(3), 1 / Float(3)]
        for (p, e) in zip(probabilities, expected) { #expect(Swift.abs(p - e) < 1e-6) }
        #expect(try argMax(x, axis: 1).asInt32s() == [2, 0])
        #expect(try sum(x).item() == 9)
    }

    @Test func rmsNormMatchesDefinition() throws {
        let values: [Float] = [1, -2, 3, 0.5]
        let weight: [Float] = [1, 2, 0.5, 1]
        let out = try rmsNorm(MLXArray(values, [1, 4]), weight: MLXArray(weight, [4]), eps: 1e-6).asFloats()
        let rms = (values.map { $0 * $0 }.reduce(0, +) / 4 + 1e-6).squareRoot()
        for index in 0..<4 { #expect(Swift.abs(out[index] - values[index] / rms * weight[index]) < 1e-5) }
    }

    @Test func gradientMatchesFiniteDifferences() throws {
        // loss = sum((w x)^2) ; d loss / d w = 2 (w x) xᵀ
        let w = try MLXArray([0.5, -1, 2, 0.25], [2, 2])
        let x = try MLXArray([1, 3], [2, 1])
        let (values, gradients) = try valueAndGrad([w, x], argnums: [0]) { arguments in
            [try sum(square(matmul(arguments[0], arguments[1])))]
        }
        #expect(try values[0].item() == 6.25 + 7.5625)
        // w x = [-2.5, 2.75]; gradient = 2 * [[-2.5*1, -2.5*3], [2.75*1, 2.75*3]]
        #expect(try gradients[0].asFloats() == [-5, -15, 5.5, 16.5])
    }

    @Test func errorInsideDifferentiatedFunctionIsRethrown() throws {
        let w = try MLXArray([1, 2], [2])
        #expect(throws: EngineError.self) {
            try valueAndGrad([w], argnums: [0]) { arguments in [try sum(reshaped(arguments[0], [3]))] }
        }
    }

    @Test func blasCallsGoToOpenBLAS() throws {
        let diagnostics = try EngineDiagnostics.measure(size: 256, repeats: 1)
        #expect(diagnostics.blasIsOpenBLAS, "cblas_sgemm comes from \(diagnostics.blasProvider)")
        #expect(diagnostics.matmulGFLOPS > 0)
    }
}

@Suite struct QuantizedMatmulTests {
    @Test func avx2DotProductMatchesReference() throws {
        #expect(try q8KernelSelfTest(inputs: 576) < 1e-5)
        #expect(try q8KernelSelfTest(inputs: 2048) < 1e-5)
    }

    @Test func q8MatmulIsCloseToFloatMatmul() throws {
        let n = 96, k = 256
        let weight = try randomNormal([n, k], seed: 3)
        for rows in [1, 3] {
            let x = try randomNormal([1, rows, k], seed: 4)
            let exact = try matmul(x, transposedLast(weight)).asFloats()
            let quantised = try quantizedMatmul(x, BlockQuantizedWeight(weight)).asFloats()
            #expect(quantised.count == rows * n)
            let scale = exact.map { Swift.abs($0) }.max()!
            let worst = zip(exact, quantised).map { Swift.abs($0 - $1) }.max()!
            // Two 8-bit roundings per product: about 1% of the largest output.
            #expect(worst / scale < 0.02, "worst \(worst) of \(scale)")
        }
    }

    @Test func largeOutputsUseTheHelperThreadAndStayCorrect() throws {
        let n = 1024, k = 512
        let weight = try randomNormal([n, k], seed: 8)
        let x = try randomNormal([1, 1, k], seed: 9)
        let exact = try matmul(x, transposedLast(weight)).asFloats()
        let quantised = try quantizedMatmul(x, BlockQuantizedWeight(weight)).asFloats()
        let scale = exact.map { Swift.abs($0) }.max()!
        #expect(zip(exact, quantised).map { Swift.abs($0 - $1) }.max()! / scale < 0.02)
    }

    @Test func fourBitBlocksHoldWeightsStoredInFourBitsExactly() throws {
        // A weight as a dequantised Q4 file gives it: per block of 32, 16 levels m + d·q.
        let n = 64, k = 128
        var values = [Float](repeating: 0, count: n * k)
        for row in 0..<n {
            for block in 0..<(k / 32) {
                let d = Float(0.01) * Float(1 + (row + block) % 4), m = Float(-0.08) * Float(1 + block % 2)
                for j in 0..<32 { values[row * k + block * 32 + j] = m + d * Float((row * 3 + j * 7 + block) % 16) }
                values[row * k + block * 32] = m
                values[row * k + block * 32 + 1] = m + 15 * d
            }
        }
        let weight = try MLXArray(values, [n, k])
        let x = try randomNormal([1, 1, k], seed: 12)
        let exact = try matmul(x, transposedLast(weight)).asFloats()
        let fourBit = try quantizedMatmul(x, BlockQuantizedWeight(weight, bits: 4)).asFloats()
        let eightBit = try quantizedMatmul(x, BlockQuantizedWeight(weight, bits: 8)).asFloats()
        let scale = exact.map { Swift.abs($0) }.max()!
        // Only x's 8-bit rounding is left: 4-bit blocks are at least as close as 8-bit ones.
        let worst4 = zip(exact, fourBit).map { Swift.abs($0 - $1) }.max()! / scale
        let worst8 = zip(exact, eightBit).map { Swift.abs($0 - $1) }.max()! / scale
        #expect(worst4 < 0.01 && worst4 <= worst8 * 1.01, "4-bit \(worst4), 8-bit \(worst8)")
        #expect(throws: EngineError.self) { try BlockQuantizedWeight(weight, bits: 5) }
    }

    @Test func mismatchedShapesThrow() throws {
        let weight = try BlockQuantizedWeight(randomNormal([8, 64], seed: 1))
        #expect(throws: EngineError.self) { try quantizedMatmul(randomNormal([1, 32], seed: 2), weight) }
        #expect(throws: EngineError.self) { try BlockQuantizedWeight(randomNormal([8, 50], seed: 1)) }
    }
}
