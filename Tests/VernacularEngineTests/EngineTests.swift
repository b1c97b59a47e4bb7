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
            let quantised = try q8Matmul(x, Q8Weight(weight)).asFloats()
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
        let quantised = try q8Matmul(x, Q8Weight(weight)).asFloats()
        let scale = exact.map { Swift.abs($0) }.max()!
        #expect(zip(exact, quantised).map { Swift.abs($0 - $1) }.max()! / scale < 0.02)
    }

    @Test func mismatchedShapesThrow() throws {
        let weight = try Q8Weight(randomNormal([8, 64], seed: 1))
        #expect(throws: EngineError.self) { try q8Matmul(randomNormal([1, 32], seed: 2), weight) }
        #expect(throws: EngineError.self) { try Q8Weight(randomNormal([8, 50], seed: 1)) }
    }
}
