import VernacularTrain

/// The loss curve of a training run in a few numbers: the mean loss over windows at the start,
/// the quarters and the end, so a card shows the trend without the noise of single steps.
public struct TrainingCurve: Sendable, Equatable {
    /// One point: the step at the window's centre and the mean loss over the window.
    public struct Point: Sendable, Equatable {
        public let step: Int
        public let loss: Double
    }

    public let steps: Int
    public let tokens: Int
    public let seconds: Double
    public let points: [Point]
    public let lowestLoss: Double
    /// Held-out figures at the first and last evaluated steps.
    public let firstEval: StepMetrics?
    public let lastEval: StepMetrics?

    /// Nil for a run with no steps logged.
    public init?(metrics: [StepMetrics]) {
        guard let last = metrics.last else { return nil }
        steps = last.step
        tokens = last.tokensSeen
        seconds = last.elapsedSeconds
        lowestLoss = metrics.map(\.loss).min()!
        // Windows of a tenth of the run (at least one step) at 0%, 25%, 50%, 75% and 100%.
        let window = max(1, metrics.count / 10)
        var points: [Point] = []
        for fraction in [0.0, 0.25, 0.5, 0.75, 1.0] {
            let centre = Int((Double(metrics.count - 1) * fraction).rounded())
            let start = max(0, min(centre - window / 2, metrics.count - window))
            let slice = metrics[start..<(start + window)]
            let point = Point(step: metrics[centre].step, loss: slice.map(\.loss).reduce(0, +) / Double(slice.count))
            if points.last?.step != point.step { points.append(point) }
        }
        self.points = points
        let evaluated = metrics.filter { $0.evalLoss != nil }
        firstEval = evaluated.first
        lastEval = evaluated.last
    }
}
