import ArgumentParser
import Foundation
import VernacularEngine

extension Vern {
    struct Doctor: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the engine: MLX loads, BLAS calls go to OpenBLAS, and how fast a matmul runs.")

        @Option(help: "Matrix size for the GFLOP/s self-test.")
        var size = 1024

        @Flag(help: "Print the result as JSON.")
        var json = false

        func run() throws {
            EngineProcess.prepare()
            let diagnostics = try EngineDiagnostics.measure(size: size)
            if json {
                print(try JSONText.encode(diagnostics))
            } else {
                print("MLX:          \(diagnostics.mlxVersion)")
                print("BLAS:         \(diagnostics.blasProvider.isEmpty ? "unknown" : diagnostics.blasProvider)")
                print("BLAS threads: \(diagnostics.blasThreads)")
                print("BLAS kernels: \(diagnostics.blasCore)" + (diagnostics.blasCoreReplaced.map { " (OpenBLAS chose \($0); vern set OPENBLAS_CORETYPE)" } ?? ""))
                print(String(format: "matmul %d x %d float32: %.1f GFLOP/s", diagnostics.matmulSize,
                             diagnostics.matmulSize, diagnostics.matmulGFLOPS))
            }
            guard diagnostics.blasIsOpenBLAS else {
                throw ValidationError("BLAS calls do not go to OpenBLAS (install libopenblas-dev and rebuild)")
            }
        }
    }
}
