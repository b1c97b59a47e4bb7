/// Bytes per device for the model states of mixed-precision Adam, after Rajbhandari et al. 2020
/// (ZeRO, §3.1 and Figure 1): for Ψ parameters, 2Ψ of 16-bit weights, 2Ψ of 16-bit gradients and
/// K·Ψ = 12Ψ of optimizer state (fp32 master weights, momentum and variance).
public struct StateMemory: Sendable, Equatable {
    public var parameters: Double
    public var gradients: Double
    public var optimizer: Double

    public var total: Double { parameters + gradients + optimizer }

    public static let parameterBytes = 2.0
    public static let gradientBytes = 2.0
    public static let optimizerBytes = 12.0

    /// The states one device holds: tensor parallelism splits every matrix `tensorParallel` ways
    /// (we divide everything by it; the few replicated norm vectors are under 0.1% of a 7B model);
    /// ZeRO stage 1 partitions the optimizer state over the `dataParallel` replicas, stage 2 the
    /// gradients too, stage 3 the 16-bit weights as well.
    public init(parameterCount: Double, tensorParallel: Int, dataParallel: Int, zeroStage: Int) {
        precondition((0...3).contains(zeroStage), "ZeRO stages are 0 to 3")
        let perRank = parameterCount / Double(tensorParallel)
        let d = Double(dataParallel)
        parameters = Self.parameterBytes * perRank / (zeroStage >= 3 ? d : 1)
        gradients = Self.gradientBytes * perRank / (zeroStage >= 2 ? d : 1)
        optimizer = Self.optimizerBytes * perRank / (zeroStage >= 1 ? d : 1)
    }
}
