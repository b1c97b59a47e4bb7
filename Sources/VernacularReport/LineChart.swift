import Foundation

/// Lines over a numeric x axis as inline SVG (a training loss curve, held-out bits per character
/// by step): linear axes fitted to the data, round ticks, points where a series is sparse.
public struct LineChart: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public var colour: String
        public init(name: String, points: [(x: Double, y: Double)], colour: String) {
            self.name = name
            self.points = points
            self.colour = colour
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    public var width = 540.0
    public var height = 300.0

    public init(title: String, xLabel: String, yLabel: String, series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
    }

    private let left = 58.0, right = 14.0, top = 40.0, bottom = 50.0

    public func svg() -> String {
        let all = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        let xs = all.map(\.x), ys = all.map(\.y)
        let xRange = Self.niceRange(xs.min() ?? 0, xs.max() ?? 1, fromZero: true)
        let yRange = Self.niceRange(ys.min() ?? 0, ys.max() ?? 1, fromZero: false)
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        func px(_ x: Double) -> Double { left + plotWidth * (x - xRange.low) / (xRange.high - xRange.low) }
        func py(_ y: Double) -> Double { top + plotHeight * (1 - (y - yRange.low) / (yRange.high - yRange.low)) }
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(f(width)) \(f(height))" width="\(f(width))" \
            height="\(f(height))" role="img" aria-label="\(HTML.escape(title))" class="chart">
            <text x="\(f(left))" y="18" class="chart-title">\(HTML.escape(title))</text>\n
            """
        for tick in yRange.ticks {
            out += "<line x1=\"\(f(left))\" y1=\"\(f(py(tick)))\" x2=\"\(f(width - right))\" y2=\"\(f(py(tick)))\" class=\"grid\"/>"
            out += "<text x=\"\(f(left - 6))\" y=\"\(f(py(tick) + 3.5))\" class=\"tick\" text-anchor=\"end\">\(ChartNumber.short(tick))</text>\n"
        }
        for tick in xRange.ticks {
            out += "<text x=\"\(f(px(tick)))\" y=\"\(f(top + plotHeight + 16))\" class=\"tick\" text-anchor=\"middle\">\(ChartNumber.short(tick))</text>"
        }
        out += "<line x1=\"\(f(left))\" y1=\"\(f(top + plotHeight))\" x2=\"\(f(width - right))\" y2=\"\(f(top + plotHeight))\" class=\"axis\"/>"
        out += "<line x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(top + plotHeight))\" class=\"axis\"/>\n"
        for item in series where !item.points.isEmpty {
            let path = item.points.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
            out += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(item.colour)\" stroke-width=\"1.6\"/>"
            if item.points.count <= 40 {
                for point in item.points {
                    out += "<circle cx=\"\(f(px(point.x)))\" cy=\"\(f(py(point.y)))\" r=\"2.5\" fill=\"\(item.colour)\">"
                        + "<title>\(HTML.escape("\(item.name) at \(ChartNumber.short(point.x)): \(String(format: "%.4g", point.y))"))</title></circle>"
                }
            }
            out += "\n"
        }
        out += "<text x=\"\(f(left + plotWidth / 2))\" y=\"\(f(height - 10))\" class=\"axis-title\" text-anchor=\"middle\">\(HTML.escape(xLabel))</text>"
        out += "<text transform=\"translate(14 \(f(top + plotHeight / 2))) rotate(-90)\" class=\"axis-title\" text-anchor=\"middle\">\(HTML.escape(yLabel))</text>\n"
        var legendX = width - right
        for item in series.reversed() {
            legendX -= Double(item.name.count) * 6.5 + 18
            out += "<rect x=\"\(f(legendX))\" y=\"10\" width=\"11\" height=\"11\" fill=\"\(item.colour)\"/>"
            out += "<text x=\"\(f(legendX + 15))\" y=\"19.5\" class=\"legend\">\(HTML.escape(item.name))</text>"
            legendX -= 10
        }
        return out + "\n</svg>"
    }

    /// An axis range with round ends and ticks (steps of 1, 2 or 5 times a power of ten).
    static func niceRange(_ low: Double, _ high: Double, fromZero: Bool) -> (low: Double, high: Double, ticks: [Double]) {
        var (a, b) = (fromZero ? Swift.min(0, low) : low, high)
        if b - a < 1e-12 { (a, b) = (a - 0.5, b + 0.5) }
        let rough = (b - a) / 5
        let magnitude = Foundation.pow(10, Foundation.floor(Foundation.log10(rough)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? 10 * magnitude
        let first = Foundation.floor(a / step) * step, last = Foundation.ceil(b / step) * step
        return (first, last, Array(stride(from: first, through: last + step / 2, by: step)))
    }

    private func f(_ value: Double) -> String { ChartNumber.coordinate(value) }
}
