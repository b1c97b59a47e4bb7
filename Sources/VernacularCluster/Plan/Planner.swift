import Foundation

/// Plans a training config: for each tensor-parallel degree (powers of two from 1 to the devices
/// per node that divide the heads) and each ZeRO stage 0-3, the bytes per device and whether they
/// fit; and the speed at the config's MFU.
public struct Planner: Sendable {
    /// Share of device memory left for the framework, communication buffers, ZeRO-3's gathered
    /// layer and fragmentation: the planner counts only states and saved activations.
    public static let headroom = 0.10

    public init() {}

    /// Tensor-parallel degrees worth trying: within one node (its links are the fast ones), powers
    /// of two, dividing the attention heads so each rank holds whole heads.
    public func tensorParallelDegrees(heads: Int, devicesPerNode: Int, devices: Int) -> [Int] {
        var degrees: [Int] = []
        var t = 1
        while t <= min(devicesPerNode, devices) {
            if heads % t == 0 && devices % t == 0 { degrees.append(t) }
            t *= 2
        }
        return degrees
    }

    public func plan(_ config: TrainingConfig) -> Plan {
        let shape = config.shape
        let cluster = config.cluster
        let training = config.training
        let parameters = config.parameterCount
        let usable = cluster.deviceMemoryBytes * (1 - Self.headroom)
        let activations = ActivationMemory(shape: shape, seqLen: training.seqLen, microBatch: training.microBatch)
        var rows: [PlanRow] = []
        for t in tensorParallelDegrees(heads: shape.heads, devicesPerNode: cluster.devicesPerNode, devices: cluster.deviceCount) {
            let d = cluster.deviceCount / t
            let variant: ActivationVariant = t > 1 ? .selectiveRecompute : .none
            let activationBytes = activations.total(variant, layers: shape.layers, tensorParallel: t)
            let perStep = training.microBatch * d
            for stage in 0...3 {
                let states = StateMemory(parameterCount: parameters, tensorParallel: t, dataParallel: d, zeroStage: stage)
                let total = states.total + activationBytes
                var fits = total <= usable
                var reason: String
                if fits {
                    reason = "fits: \(GB(total)) of \(GB(usable)) usable"
                } else {
                    reason = "needs \(GB(total)) per device, \(GB(usable)) usable (\(Int(Self.headroom * 100))% of \(cluster.deviceMemoryGiB.formatted) GiB kept free)"
                }
                if training.globalBatch % perStep != 0 {
                    fits = false
                    reason = "global batch \(training.globalBatch) is not a multiple of micro batch × data parallel = \(perStep)"
                }
                rows.append(PlanRow(
                    tensorParallel: t, dataParallel: d, zeroStage: stage,
                    gradientAccumulation: max(1, training.globalBatch / perStep), activationVariant: variant,
                    bytes: .init(parameters: states.parameters, gradients: states.gradients, optimizer: states.optimizer,
                                 activations: activationBytes, total: total),
                    fits: fits, reason: reason))
            }
        }
        let tokens = training.tokensPerStep * Double(training.steps)
        return Plan(
            rows: rows, parameterCount: parameters,
            throughput: Throughput(parameterCount: parameters, device: cluster.device, devices: cluster.deviceCount,
                                   mfu: cluster.mfu, totalTokens: tokens),
            usableBytes: usable, mfu: cluster.mfu, totalTokens: tokens,
            notes: [
                "model states: 2 + 2 + 12 bytes per parameter (bf16 weights and gradients, fp32 master weights and Adam moments), " +
                "divided by the tensor-parallel degree; ZeRO 1 divides the 12 by the data-parallel degree, 2 the gradients too, 3 the weights too",
                ActivationMemory.adjustmentNote,
                "speed: 6·N FLOPs per token at \(Int((cluster.mfu * 100).rounded()))% MFU of \(cluster.device.rawValue)'s " +
                "\((cluster.device.peakFLOPs / 1e12).formatted) TFLOP/s dense BF16 peak per device; pipeline parallelism is not planned",
            ])
    }
}

/// Bytes in decimal gigabytes (1e9), as the ZeRO paper counts them.
func GB(_ bytes: Double) -> String {
    let value = bytes / 1e9
    if value >= 100 { return String(format: "%.0f GB", value) }
    if value >= 0.1 { return String(format: "%.1f GB", value) }
    return String(format: "%.3f GB", value)
}

extension Double {
    /// Whole numbers without a fraction, others with up to two decimals.
    var formatted: String {
        if self == rounded() && abs(self) < 1e15 { return String(Int(self)) }
        return String(format: "%.2f", self).replacingOccurrences(of: #"\.?0+$"#, with: "", options: .regularExpression)
    }
}
