import Foundation
import Testing
@testable import VernacularReport

@Suite struct TrainingReportTests {
    @Test func trainingRunPageHasLossAndEvalCharts() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("train-report-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var lines = ""
        for step in 1...30 {
            let eval = step % 10 == 0 ? #","eval_loss":\#(3.0 - Double(step) / 30),"eval_bits_per_char":\#(9.0 - Double(step) / 10)"# : ""
            lines += #"{"step":\#(step),"loss":\#(4.0 - Double(step) / 20),"learning_rate":0.0002,"grad_norm":1,"tokens_per_second":\#(100 + step),"tokens":\#(step * 1024),"elapsed_seconds":\#(step),"peak_rss_mb":2048\#(eval)}"# + "\n"
        }
        try Data(lines.utf8).write(to: URL(fileURLWithPath: folder + "/metrics.jsonl"))
        try Data(#"{"base_model": "smollm2 <test>"}"#.utf8).write(to: URL(fileURLWithPath: folder + "/run.json"))
        #expect(TrainingReport.isTrainingRun(folder))
        let html = try TrainingReport(runFolder: folder).html()
        #expect(html.contains("Training loss"))
        #expect(html.contains("Held-out bits per character"))
        #expect(html.contains("8.000 → 6.000"), "the first and last held-out figures")
        #expect(html.components(separatedBy: "<polyline").count == 3)
        #expect(html.contains("smollm2 &lt;test&gt;"), "settings are escaped")
        #expect(!html.contains("<script"))
    }

    @Test func ticksAreRound() {
        let range = LineChart.niceRange(2.31, 7.9, fromZero: false)
        #expect(range.low == 2 && range.high == 8)
        #expect(range.ticks == [2, 4, 6, 8])
    }
}
