import Foundation
import VernacularReport

/// Grouped horizontal bars as inline SVG: one group per row (a subject, a metric), one bar per
/// model, values in [0, maximum]. All text is escaped.
struct BarChart {
    var title: String
    var rows: [String]
    var series: [String]
    /// values[row][series]; nil: no figure.
    var values: [[Double?]]
    var maximum: Double
    var format: (Double) -> String

    static let colours = ["#3b73b9", "#e08a3c", "#4b9f6a", "#9a5fb4", "#c44e52", "#777777"]

    func svg() -> String {
        let barHeight = 12.0, gap = 3.0, groupGap = 10.0
        let left = 190.0, right = 70.0, width = 640.0, top = 34.0
        let plot = width - left - right
        let groupHeight = Double(series.count) * (barHeight + gap) + groupGap
        let height = top + Double(rows.count) * groupHeight + 24 + Double(series.count) * 16
        var out = "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\">"
        out += "<text class=\"chart-title\" x=\"0\" y=\"16\">\(HTML.escape(title))</text>"
        for (rowIndex, row) in rows.enumerated() {
            let y0 = top + Double(rowIndex) * groupHeight
            out += "<text class=\"tick\" x=\"\(Int(left - 8))\" y=\"\(fmt(y0 + groupHeight / 2 - groupGap / 2 + 3))\" text-anchor=\"end\">\(HTML.escape(String(row.prefix(28))))</text>"
            for (seriesIndex, _) in series.enumerated() {
                guard let value = values[rowIndex][seriesIndex] else { continue }
                let y = y0 + Double(seriesIndex) * (barHeight + gap)
                let length = max(0, min(1, value / max(maximum, 1e-12))) * plot
                out += "<rect x=\"\(Int(left))\" y=\"\(fmt(y))\" width=\"\(fmt(length))\" height=\"\(Int(barHeight))\" fill=\"\(Self.colours[seriesIndex % Self.colours.count])\"/>"
                out += "<text class=\"count\" x=\"\(fmt(left + length + 4))\" y=\"\(fmt(y + barHeight - 2))\">\(HTML.escape(format(value)))</text>"
            }
        }
        let legendTop = top + Double(rows.count) * groupHeight + 8
        for (index, name) in series.enumerated() {
            let y = legendTop + Double(index) * 16
            out += "<rect x=\"\(Int(left))\" y=\"\(fmt(y))\" width=\"10\" height=\"10\" fill=\"\(Self.colours[index % Self.colours.count])\"/>"
            out += "<text class=\"legend\" x=\"\(Int(left + 16))\" y=\"\(fmt(y + 9))\">\(HTML.escape(name))</text>"
        }
        return out + "</svg>"
    }

    private func fmt(_ value: Double) -> String { String(format: "%.1f", value) }
}
