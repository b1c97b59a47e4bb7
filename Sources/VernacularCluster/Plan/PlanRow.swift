/// One setting of the plan: a tensor-parallel degree and a ZeRO stage, the bytes each device
/// needs, and whether they fit. Encodes to the JSON object `vern cluster plan --json` prints.
public struct PlanRow: Sendable, Equatable, Codable {
    public struct Bytes: Sendable, Equatable, Codable {
        public var parameters: Double
        public var gradients: Double
        public var optimizer: Double
        public var activations: Double
        public var total: Double
    }

    public var tensorParallel: Int
    public var dataParallel: Int
    public var zeroStage: Int
    /// Micro-batches each data-parallel rank accumulates per optimizer step.
    public var gradientAccumulation: Int
    /// Which activation count `bytes.activations` uses (see `ActivationVariant`).
    public var activationVariant: ActivationVariant
    public var bytes: Bytes
    public var fits: Bool
    /// Why it does not fit, or what it leaves free when it does.
    public var reason: String

    enum CodingKeys: String, CodingKey {
        case tensorParallel = "tensor_parallel"
        case dataParallel = "data_parallel"
        case zeroStage = "zero_stage"
        case gradientAccumulation = "gradient_accumulation"
        case activationVariant = "activation_variant"
        case bytes, fits, reason
    }
}

/// The whole plan: every setting, and what holds for all of them.
public struct Plan: Sendable {
    public var rows: [PlanRow]
    public var parameterCount: Double
    public var throughput: Throughput
    /// Bytes per device the plan allows (the device's memory less the headroom).
    public var usableBytes: Double
    public var mfu: Double
    public var totalTokens: Double
    /// The adjustments made to the published activation formulas.
    public var notes: [String]

    /// The setting bundles are rendered with: of the fitting rows the engine can run, the lowest
    /// tensor-parallel degree (least communication), then the lowest ZeRO stage.
    public func chosen(allowedStages: Set<Int> = [0, 1, 2, 3]) -> PlanRow? {
        rows.filter { $0.fits && allowedStages.contains($0.zeroStage) }
            .min { ($0.tensorParallel, $0.zeroStage) < ($1.tensorParallel, $1.zeroStage) }
    }
}
