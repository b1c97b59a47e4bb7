import Foundation

/// A histogram drawn as inline SVG: stacked bars (one series per colour) over equal-width bins,
/// a y axis with round ticks, the bin edges under the x axis, the total over each bar, a legend.
public struct HistogramChart: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var counts: [Int]
        /// A CSS colour.
        public var colour: String

        public init(name: String, counts: [Int], colour: String) {
            self.name = name
            self.counts = counts
            self.colour = colour
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel = "documents"
    public var edges: [Double]
    public var series: [Series]
    /// How an edge is written under the axis.
    public var edgeLabel: @Sendable (Double) -> String = { ChartNumber.short($0) }

    public var width = 540.0
    public var height = 300.0

    public init(title: String, xLabel: String, edges: [Double], series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.edges = edges
        self.series = series
    }

    // Plot area margins: room for tick labels left, edge labels and axis title below.
    private let left = 58.0, right = 14.0, top = 40.0, bottom = 58.0

    public func svg() -> String {
        let bins = edges.count - 1
        let totals = (0..<bins).map { bin in series.reduce(0) { $0 + (bin < $1.counts.count ? $1.counts[bin] : 0) } }
        let ticks = ChartNumber.ticks(upTo: totals.max() ?? 0)
        let yMax = Double(ticks.last ?? 1)
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let binWidth = plotWidth / Double(max(bins, 1))
        func x(_ bin: Int) -> Double { left + Double(bin) * binWidth }
        func y(_ count: Double) -> Double { top + plotHeight * (1 - count / yMax) }

        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(fmt(width)) \(fmt(height))" \
            width="\(fmt(width))" height="\(fmt(height))" role="img" aria-label="\(HTML.escape(title))" class="chart">
            <text x="\(fmt(left))" y="18" class="chart-title">\(HTML.escape(title))</text>\n
            """
        // Grid lines and y tick labels.
        for tick in ticks {
            let ty = y(Double(tick))
            out += "<line x1=\"\(fmt(left))\" y1=\"\(fmt(ty))\" x2=\"\(fmt(width - right))\" y2=\"\(fmt(ty))\" class=\"grid\"/>"
            out += "<text x=\"\(fmt(left - 6))\" y=\"\(fmt(ty + 3.5))\" class=\"tick\" text-anchor=\"end\">\(ChartNumber.short(Double(tick)))</text>\n"
        }
        // Bars, stacked in series order, each with a tooltip.
        let gap = min(2.0, binWidth * 0.15)
        for bin in 0..<bins {
            var base = 0.0
            let range = "\(edgeLabel(edges[bin]))–\(edgeLabel(edges[bin + 1]))"
            for item in series {
                let count = bin < item.counts.count ? item.counts[bin] : 0
                guard count > 0 else { continue }
                let y0 = y(base), y1 = y(base + Double(count))
                out += "<rect x=\"\(fmt(x(bin) + gap / 2))\" y=\"\(fmt(y1))\" width=\"\(fmt(binWidth - gap))\" "
                    + "height=\"\(fmt(y0 - y1))\" fill=\"\(item.colour)\">"
                    + "<title>\(HTML.escape("\(range): \(count) \(item.name)"))</title></rect>"
                base += Double(count)
            }
            // The total over the bar, when there is room to write it.
            if totals[bin] > 0, binWidth >= 16 {
                out += "<text x=\"\(fmt(x(bin) + binWidth / 2))\" y=\"\(fmt(y(base) - 4))\" class=\"count\" "
                    + "text-anchor=\"middle\">\(totals[bin])</text>"
            }
            out += "\n"
        }
        // Axes.
        out += "<line x1=\"\(fmt(left))\" y1=\"\(fmt(top + plotHeight))\" x2=\"\(fmt(width - right))\" "
            + "y2=\"\(fmt(top + plotHeight))\" class=\"axis\"/>"
        out += "<line x1=\"\(fmt(left))\" y1=\"\(fmt(top))\" x2=\"\(fmt(left))\" y2=\"\(fmt(top + plotHeight))\" class=\"axis\"/>\n"
        // Edge labels, thinned so that they never overlap.
        let labels = edges.map(edgeLabel)
        let widest = Double(labels.map(\.count).max() ?? 1) * 6.2 + 8
        let step = max(1, Int((widest / binWidth).rounded(.up)))
        for (index, label) in labels.enumerated() where index % step == 0 || index == bins {
            if index == bins, index % step != 0, binWidth * Double(index % step) < widest { continue }
            let lx = left + Double(index) * binWidth
            out += "<line x1=\"\(fmt(lx))\" y1=\"\(fmt(top + plotHeight))\" x2=\"\(fmt(lx))\" "
                + "y2=\"\(fmt(top + plotHeight + 4))\" class=\"axis\"/>"
            out += "<text x=\"\(fmt(lx))\" y=\"\(fmt(top + plotHeight + 16))\" class=\"tick\" "
                + "text-anchor=\"middle\">\(HTML.escape(label))</text>\n"
        }
        out += "<text x=\"\(fmt(left + plotWidth / 2))\" y=\"\(fmt(height - 12))\" class=\"axis-title\" "
            + "text-anchor=\"middle\">\(HTML.escape(xLabel))</text>"
        out += "<text transform=\"translate(14 \(fmt(top + plotHeight / 2))) rotate(-90)\" class=\"axis-title\" "
            + "text-anchor=\"middle\">\(HTML.escape(yLabel))</text>\n"
        // Legend, right-aligned above the plot.
        var legendX = width - right
        for item in series.reversed() {
            let textWidth = Double(item.name.count) * 6.5
            legendX -= textWidth + 18
            out += "<rect x=\"\(fmt(legendX))\" y=\"10\" width=\"11\" height=\"11\" fill=\"\(item.colour)\"/>"
            out += "<text x=\"\(fmt(legendX + 15))\" y=\"19.5\" class=\"legend\">\(HTML.escape(item.name))</text>"
            legendX -= 10
        }
        out += "\n</svg>"
        return out
    }

    private func fmt(_ value: Double) -> String { ChartNumber.coordinate(value) }
}

/// Numbers as charts write them.
public enum ChartNumber {
    /// Round y ticks from 0 covering `maximum`: steps of 1, 2 or 5 times a power of ten, at most
    /// six ticks; a chart of nothing still gets 0 and 1.
    public static func ticks(upTo maximum: Int) -> [Int] {
        guard maximum > 0 else { return [0, 1] }
        var step = 1
        outer: while true {
            for factor in [1, 2, 5] where (maximum + step * factor - 1) / (step * factor) <= 5 {
                step *= factor
                break outer
            }
            step *= 10
        }
        let last = (maximum + step - 1) / step * step
        return Array(stride(from: 0, through: last, by: step))
    }

    /// 1200 as "1.2k", 2000000 as "2M", 0.25 as "0.25", 3 as "3".
    public static func short(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 1_000_000 { return trimmed(value / 1_000_000) + "M" }
        if magnitude >= 1_000 { return trimmed(value / 1_000) + "k" }
        return trimmed(value)
    }

    private static func trimmed(_ value: Double) -> String {
        var text = String(format: "%.2f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// An SVG coordinate with at most one decimal.
    static func coordinate(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
