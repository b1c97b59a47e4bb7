import Foundation
import Testing
import VernacularCore
@testable import VernacularReport

@Suite struct ReportTests {
    @Test func escapesMarkupInText() {
        #expect(HTML.escape("<script>alert('x')</script> & \"q\"")
            == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;")
        #expect(HTML.escape("佢話「好」") == "佢話「好」")
    }

    @Test func readsCountsValuesAndSamplesFromARunFolder() throws {
        let folder = try TestFolder()
        let run = try RunFolder.load(try RunFixture.run(in: folder))
        #expect(run.stats.documentsRead == 10)
        #expect(run.stats.documentsWritten == 5)
        #expect(run.stats.documentsDropped == 5)
        #expect(run.hasDroppedFiles)
        // The forum post is mostly the letters of its script tag, so the langid stand-in drops it.
        #expect(run.dropGroups.map { "\($0.stage)/\($0.reason)=\($0.count)" }
            == ["langid/lang_not_kept=3", "quality/quality_too_short=2"])
        #expect(run.dropGroups[0].samples.map(\.id).sorted() == ["forum/7", "news/en-1", "news/en-2"])
        #expect(run.dropGroups[1].samples.first?.detail == "3 < 8")
        // Every document has a length; all reached langid; only kept ones reached the perplexity stage.
        #expect(run.kept.lengths.count == 5)
        #expect(run.dropped.lengths.count == 5)
        #expect(run.kept.yueShares.count + run.dropped.yueShares.count == 10)
        #expect(run.kept.perplexities.count == 5)
        #expect(run.dropped.perplexities.isEmpty)
        #expect(run.problems.isEmpty)
    }

    @Test func pageShowsTheCountsChartsAndEscapedSamples() throws {
        let folder = try TestFolder()
        let runFolder = try RunFixture.run(in: folder, extraLines: ["{\"id\": \"bad\", \"text\": 7}"])
        let output = folder.file("report.html")
        let run = try RunReport.write(runFolder: runFolder, to: output, options: .init(samplesPerReason: 3, sampleCharacters: 40))
        let page = try String(contentsOfFile: output, encoding: .utf8)
        #expect(run.stats.badRecords == 1)
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        // Self-contained and script-free: no external resource, and the post's script tag is text.
        #expect(!page.contains("<script"))
        #expect(!page.contains("src="))
        #expect(!page.contains("href="))
        #expect(page.contains("&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;"))
        for reason in ["lang_not_kept", "quality_too_short"] { #expect(page.contains("<code>\(reason)</code>")) }
        #expect(page.contains("<h2>Stages</h2>"))
        #expect(page.components(separatedBy: "<svg ").count - 1 == 3)
        #expect(page.contains("Cantonese share (langid)"))
        #expect(page.contains("N-gram perplexity"))
        #expect(page.contains("kept 5"))
        #expect(page.contains("dropped 5"))
        // Summary cards and the stage table carry the run's numbers.
        #expect(page.contains("<div class=\"value\">10</div><div class=\"label\">documents read</div>"))
        #expect(page.contains("<div class=\"value\">1</div><div class=\"label\">bad records</div>"))
        #expect(page.contains("<td class=\"num\">3</td><td class=\"num\">30.0%</td>"))
        // The English notice is cut to 40 characters with the rest counted.
        #expect(page.contains("The MTR Corporation announced that the E</div>"))
        #expect(page.contains("… 44 more characters"))
        #expect(!page.contains("Tokenizer fertility"))
    }

    @Test func fertilityTableFromTokenizerStatsJSON() throws {
        let folder = try TestFolder()
        let runFolder = try RunFixture.run(in: folder)
        // As `vern tokenizer stats --json` prints it, with a field a later version might add.
        try folder.write("run/fertility.json", """
            [
              {"tokenizer": "gemma3", "set": "yue", "fertility": {"bytes": 30000, "characters": 10000, "tokens": 9000,
                "tokens_per_character": 0.9, "bytes_per_token": 3.33}, "vocabulary_size": 262144},
              {"tokenizer": "out/tok-yue/tokenizer.json", "set": "yue", "fertility": {"bytes": 30000, "characters": 10000,
                "tokens": 6500, "tokens_per_character": 0.65, "bytes_per_token": 4.62}}
            ]
            """)
        let run = try RunFolder.load(runFolder)
        #expect(run.fertility?.count == 2)
        #expect(run.fertility?[1].tokensPerCharacter == 0.65)
        let page = ReportPage(run: run).html()
        #expect(page.contains("<h2>Tokenizer fertility</h2>"))
        #expect(page.contains("<tr class=\"best\"><td title=\"out/tok-yue/tokenizer.json\">tok-yue/tokenizer.json</td>"))
        #expect(page.contains("<td class=\"num\">0.900</td>"))
    }

    @Test func badFertilityFileIsNamedAndTheRestStands() throws {
        let folder = try TestFolder()
        let runFolder = try RunFixture.run(in: folder)
        try folder.write("run/fertility.json", #"[{"tokenizer": "gemma3", "set": "yue"}]"#)
        let run = try RunFolder.load(runFolder)
        #expect(run.fertility == nil)
        #expect(run.problems.count == 1)
        #expect(run.problems[0].contains("fertility.json: row 1 has no 'fertility'"))
        #expect(ReportPage(run: run).html().contains("Could not read"))
    }

    @Test func badRecordInAnOutputFileIsNamedWithItsLine() throws {
        let folder = try TestFolder()
        let runFolder = try RunFixture.run(in: folder)
        try folder.write("run/documents/extra.jsonl", "{\"id\": \"x\", \"text\": \"好\"}\nnot json\n")
        let run = try RunFolder.load(runFolder)
        #expect(run.kept.lengths.count == 6)
        #expect(run.problems.count == 1)
        #expect(run.problems[0].hasPrefix(runFolder + "/documents/extra.jsonl:2:"))
    }

    @Test func folderWithoutStatsIsAClearError() throws {
        let folder = try TestFolder()
        #expect {
            try RunFolder.load(folder.path)
        } throws: { error in
            "\(error)".contains("stats.json") && "\(error)".contains("vern run")
        }
    }

    @Test func samplingIsTheSameOnEveryRead() throws {
        let folder = try TestFolder()
        let runFolder = try RunFixture.run(in: folder)
        let first = try RunFolder.load(runFolder, options: .init(samplesPerReason: 1))
        let second = try RunFolder.load(runFolder, options: .init(samplesPerReason: 1))
        #expect(first.dropGroups == second.dropGroups)
        #expect(first.dropGroups.allSatisfy { $0.samples.count == 1 })
    }
}
