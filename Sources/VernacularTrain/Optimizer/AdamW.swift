import Foundation
import VernacularEngine

/// Adam with decoupled weight decay (Loshchilov and Hutter): the decay shrinks the weights
/// directly instead of entering the gradient, so it does not scale with Adam's step size.
public struct AdamW: Sendable {
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let weightDecay: Float
    /// First and second moments, one per trained array.
    public var firstMoments: [MLXArray]
    public var secondMoments: [MLXArray]
    /// Updates applied so far (the bias correction's t).
    public var updates: Int

    public init(parameters: [MLXArray], beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float) throws {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        firstMoments = try parameters.map { try zeros($0.shape) }
        secondMoments = try parameters.map { try zeros($0.shape) }
        updates = 0
    }

    /// New parameter values after one step (lazy; the caller evaluates them with the moments).
    /// Weight decay applies to matrices only: norms and biases are not decayed. `scales`: a
    /// multiplier of the learning rate per array (nil: 1 for all).
    public mutating func step(parameters: [MLXArray], gradients: [MLXArray], learningRate: Float,
                              scales: [Float]? = nil) throws -> [MLXArray] {
        updates += 1
        let correction1 = 1 - Float(Foundation.pow(Double(beta1), Double(updates)))
        let correction2 = 1 - Float(Foundation.pow(Double(beta2), Double(updates)))
        var updated: [MLXArray] = []
        for index in parameters.indices {
            let (p, g) = (parameters[index], gradients[index])
            let m = try firstMoments[index] * beta1 + g * (1 - beta1)
            let v = try secondMoments[index] * beta2 + square(g) * (1 - beta2)
            firstMoments[index] = m
            secondMoments[index] = v
            let direction = try (m / correction1) / (sqrt(v / correction2) + epsilon)
            let rate = learningRate * (scales?[index] ?? 1)
            var next = try p - direction * rate
            if weightDecay > 0 && p.ndim >= 2 { next = try next - p * (rate * weightDecay) }
            updated.append(next)
        }
        return updated
    }
}

/// Linear warm-up to the peak, then a cosine down to `minimum` at `totalSteps`.
public struct LearningRateSchedule: Sendable, Codable, Equatable {
    public let peak: Float
    public let minimum: Float
    public let warmupSteps: Int
    public let totalSteps: Int

    public init(peak: Float, minimum: Float, warmupSteps: Int, totalSteps: Int) {
        self.peak = peak
        self.minimum = minimum
        self.warmupSteps = warmupSteps
        self.totalSteps = max(totalSteps, 1)
    }

    /// The rate for step `step` (1-based).
    public func rate(at step: Int) -> Float {
        if step <= warmupSteps { return peak * Float(step) / Float(max(warmupSteps, 1)) }
        let progress = min(Double(step - warmupSteps) / Double(max(totalSteps - warmupSteps, 1)), 1)
        return minimum + (peak - minimum) * Float(0.5 * (1 + Foundation.cos(Double.pi * progress)))
    }
}
