import CMLX
import COpenBLAS
import Foundation

/// What `vern doctor` reports about the engine.
public struct EngineDiagnostics: Sendable, Codable {
    public let mlxVersion: String
    /// The shared library that serves `cblas_sgemm` in this process: should be OpenBLAS.
    public let blasProvider: String
    public let blasThreads: Int
    /// OpenBLAS's kernel family, and the one it chose by itself when vern replaced it.
    public let blasCore: String
    public let blasCoreReplaced: String?
    public let matmulSize: Int
    public let matmulGFLOPS: Double

    public var blasIsOpenBLAS: Bool { blasProvider.contains("openblas") }

    enum CodingKeys: String, CodingKey {
        case mlxVersion = "mlx_version", blasProvider = "blas_provider", blasThreads = "blas_threads"
        case blasCore = "blas_core", blasCoreReplaced = "blas_core_replaced"
        case matmulSize = "matmul_size", matmulGFLOPS = "matmul_gflops"
    }

    /// Times float32 matmuls of size n×n (best of a few runs after a warm-up).
    public static func measure(size n: Int = 1024, repeats: Int = 5) throws -> EngineDiagnostics {
        let a = try randomNormal([n, n], seed: 1)
        let b = try randomNormal([n, n], seed: 2)
        try eval(a, b)
        try matmul(a, b).eval()  // warm-up
        var best = Double.infinity
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            try matmul(a, b).eval()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return EngineDiagnostics(
            mlxVersion: String(cString: vx_version()), blasProvider: String(cString: vern_sgemm_provider()),
            blasThreads: Int(vern_openblas_threads()), blasCore: BLASCore.current, blasCoreReplaced: BLASCore.replaced,
            matmulSize: n, matmulGFLOPS: 2 * pow(Double(n), 3) / best / 1e9)
    }
}
