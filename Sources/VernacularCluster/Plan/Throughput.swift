/// Training speed and time at a stated model-FLOPs utilisation, counting 6·N FLOPs per token
/// (forward 2N, backward 4N; Kaplan et al. 2020). The attention score FLOPs (12·L·h·s per token)
/// are left out, so a run that also counts them reports a higher MFU for the same speed.
public struct Throughput: Sendable, Equatable {
    public var tokensPerSecond: Double
    public var days: Double
    public var flopsPerToken: Double

    public init(parameterCount: Double, device: DeviceKind, devices: Int, mfu: Double, totalTokens: Double) {
        flopsPerToken = 6 * parameterCount
        tokensPerSecond = mfu * device.peakFLOPs * Double(devices) / flopsPerToken
        days = totalTokens / tokensPerSecond / 86_400
    }
}
