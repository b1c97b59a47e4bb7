import Testing
@testable import VernacularReport

@Suite struct HistogramTests {
    @Test func valuesOnAnInnerEdgeGoToTheBinAboveAndTheLastEdgeIsClosed() {
        var histogram = Histogram(edges: [0, 10, 20, 50])
        for value in [0, 9.999, 10, 19.5, 20, 49, 50] { histogram.add(value) }
        #expect(histogram.counts == [2, 2, 3])
        #expect(histogram.bin(of: 10) == 1)
        #expect(histogram.bin(of: 50) == 2)
        #expect(histogram.bin(of: 50.0001) == nil)
    }

    @Test func valuesOutsideTheEdgesAndNonFiniteAreCountedApart() {
        let histogram = Histogram(edges: [1, 2, 5], values: [0, -3, 1, 7, .nan, .infinity])
        #expect(histogram.counts == [1, 0])
        #expect(histogram.below == 2)
        #expect(histogram.above == 1)
        #expect(histogram.nonFinite == 2)
        #expect(histogram.total == 1)
    }

    @Test func shareEdgesEndExactlyAtOne() {
        let edges = Histogram.linearEdges(from: 0, to: 1, bins: 20)
        #expect(edges.count == 21)
        #expect(edges.last == 1.0)
        #expect(edges[10] == 0.5)
        // Shares of 0.5 (the langid stage's default minimum) and 1.0 (all Cantonese) land where a reader expects.
        let histogram = Histogram(edges: edges, values: [0.5, 1.0, 1.0, 0.0499])
        #expect(histogram.counts[10] == 1)
        #expect(histogram.counts[19] == 2)
        #expect(histogram.counts[0] == 1)
    }

    @Test func logEdgesFollowOneTwoFiveAndCoverTheValues() {
        #expect(Histogram.logEdges(covering: [12, 300, 12_000]) == [10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000])
        #expect(Histogram.logEdges(covering: [25, 60]) == [20, 50, 100])
        // A maximum on an edge closes the last bin instead of opening another.
        #expect(Histogram.logEdges(covering: [100, 200]) == [100, 200])
        #expect(Histogram.logEdges(covering: [100]) == [100, 200])
        #expect(Histogram.logEdges(covering: [0.3, 0.9]) == [0.2, 0.5, 1])
        #expect(Histogram.logEdges(covering: []) == [1, 2])
        let values = [3.0, 17, 17, 480, 9_999]
        let histogram = Histogram(edges: Histogram.logEdges(covering: values), values: values)
        #expect(histogram.total == values.count)
    }

    @Test func tickStepsAreRound() {
        #expect(ChartNumber.ticks(upTo: 0) == [0, 1])
        #expect(ChartNumber.ticks(upTo: 7) == [0, 2, 4, 6, 8])
        #expect(ChartNumber.ticks(upTo: 63) == [0, 20, 40, 60, 80])
        #expect(ChartNumber.ticks(upTo: 5) == [0, 1, 2, 3, 4, 5])
        #expect(ChartNumber.short(1200) == "1.2k")
        #expect(ChartNumber.short(0.25) == "0.25")
        #expect(ChartNumber.short(20_000) == "20k")
    }

    @Test func chartDrawsAxesBarsCountsAndLegend() {
        let chart = HistogramChart(title: "Document length", xLabel: "characters", edges: [10, 20, 50, 100],
                                   series: [.init(name: "kept 5", counts: [1, 3, 1], colour: "#00f"),
                                            .init(name: "dropped 2", counts: [2, 0, 0], colour: "#f80")])
        let svg = chart.svg()
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.hasSuffix("</svg>"))
        // Four bars (one empty series cell skipped), the totals 3, 3 and 1 over them, each edge labelled.
        #expect(svg.components(separatedBy: "<rect x=").count - 1 == 4 + 2)  // bars + legend swatches
        #expect(svg.contains(">3</text>"))
        for label in ["10", "20", "50", "100"] { #expect(svg.contains(">\(label)</text>")) }
        #expect(svg.contains("characters"))
        #expect(svg.contains("<title>10–20: 2 dropped 2</title>"))
    }
}
