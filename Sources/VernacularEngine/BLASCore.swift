import CMLX
import COpenBLAS
import Foundation

/// Which OpenBLAS kernels this process runs, and a way to get better ones.
///
/// OpenBLAS picks its kernel family once, while the library loads, from the CPU model or the
/// `OPENBLAS_CORETYPE` variable. Debian 12's OpenBLAS (0.3.21) does not know recent Intel cores
/// and falls back to its SSE3 "Prescott" kernels, about 4x slower than the AVX-512 ones on the
/// same CPU. The choice cannot be changed after loading, so the fix is to set the variable and
/// start the program image again, before any work is done.
public enum BLASCore {
    /// The kernel family in use ("Prescott", "Haswell", "SkylakeX", ...).
    public static var current: String { String(cString: vern_openblas_core()) }

    /// What OpenBLAS chose by itself when vern restarted with a better family, else nil.
    public static var replaced: String? { ProcessInfo.processInfo.environment[replacedVariable] }

    static let replacedVariable = "VERN_OPENBLAS_DETECTED"

    /// Restarts the process with `OPENBLAS_CORETYPE` set when OpenBLAS fell back to pre-AVX2
    /// kernels on a CPU that has AVX2 or AVX-512. Does nothing when the user set the variable,
    /// when the kernels are already right, or when the restart fails (then it runs as it is).
    /// Call it before reading standard input or writing output.
    public static func restartWithBetterKernelsIfNeeded() {
        let environment = ProcessInfo.processInfo.environment
        guard environment["OPENBLAS_CORETYPE"] == nil, let better = vern_openblas_better_core() else { return }
        setenv(replacedVariable, current, 1)
        setenv("OPENBLAS_CORETYPE", better, 1)
        let arguments = CommandLine.arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", arguments)
        // Only reached when exec failed: carry on with the slower kernels.
        unsetenv("OPENBLAS_CORETYPE")
        unsetenv(replacedVariable)
    }
}

/// Process-wide settings for model work, done once before loading a model.
public enum EngineProcess {
    /// Restarts with better BLAS kernels if needed (see `BLASCore`), then keeps freed activation
    /// buffers in the heap so forward passes reuse their pages instead of faulting in new ones.
    public static func prepare() {
        BLASCore.restartWithBetterKernelsIfNeeded()
        vx_keep_freed_memory()
    }
}
