import Foundation
import Testing
import VernacularCore
@testable import VernacularQuality

@Suite struct DecontaminationTests {
    /// A scratch folder with evaluation files written for these tests.
    final class Folder {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("decontam-\(UUID().uuidString)")
        init() throws { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(at: url) }
        func write(_ name: String, _ text: String) throws -> String {
            let path = url.appendingPathComponent(name).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
    }

    let question = "香港嘅法定貨幣係由邊間機構負責發行同管理嘅呢？"

    @Test func findsAQuestionQuotedInsideCantoneseText() throws {
        let folder = try Folder()
        let path = try folder.write("yue-mmlu.jsonl", """
            {"id": "econ-17", "question": "\(question)", "choices": ["金管局", "財政司", "匯豐銀行", "以上皆是"]}
            {"id": "hist-3", "question": "香港喺邊一年回歸中國？請揀一個答案。", "choices": ["1997", "1984"]}
            """)
        let stage = try DecontaminateStage(config: DecontaminateConfig(benchmarks: [path]))
        var counters = StageCounters()
        // Copied with different punctuation and spacing, inside other text.
        var leaked = Document(id: "a", text: "有人喺論壇問：「香港嘅法定貨幣 係由邊間機構負責發行，同管理嘅呢」大家點睇？", source: "t")
        #expect(try stage.process(&leaked, counters: &counters) == .drop(DropReason("benchmark_overlap", detail: "yue-mmlu#econ-17")))
        #expect(counters.values["contaminated_yue-mmlu"] == 1)

        // Twelve characters of the question are not enough.
        var near = Document(id: "b", text: "我都想知港嘅法定貨幣係由邊間機構啩", source: "t")
        #expect(try stage.process(&near, counters: &counters) == .keep)
        // Thirteen are.
        var thirteen = Document(id: "c", text: "我都想知香港嘅法定貨幣係由邊間機構啩", source: "t")
        #expect(try stage.process(&thirteen, counters: &counters) != .keep)
    }

    @Test func copiesInAnotherScriptOrVariantFormStillMatch() throws {
        // The item is written with 說 and 搵; the normalize stage turns a corpus copy into Hong
        // Kong forms (説, 揾), and a forum repost may be in Simplified. Compared as they are,
        // neither copy shares 13 characters with the item.
        let folder = try Folder()
        let path = try folder.write("hkcanto-eval.jsonl", """
            {"id": "q5", "question": "阿明話佢搵工搵咗三個月，佢話說英文嘅工作最難搵，說唔定要再搵多一個月先搵到。"}
            """)
        let variants = "阿明話佢揾工揾咗三個月，佢話説英文嘅工作最難揾，説唔定要再揾多一個月先揾到。"
        let simplified = "阿明话佢揾工揾咗三个月，佢话说英文嘅工作最难揾，说唔定要再揾多一个月先揾到。"
        for text in [variants, simplified] {
            let plain = try DecontaminateStage(config: DecontaminateConfig(benchmarks: [path], matchNormalized: false))
            let folded = try DecontaminateStage(config: DecontaminateConfig(benchmarks: [path]))
            var counters = StageCounters()
            var document = Document(id: "a", text: text, source: "t")
            #expect(try plain.process(&document, counters: &counters) == .keep)
            #expect(try folded.process(&document, counters: &counters) == .drop(DropReason("benchmark_overlap", detail: "hkcanto-eval#q5")))
            #expect(document.text == text)  // matching never rewrites the document
        }
    }

    @Test func shortFieldsMatchWholeAndTinyOnesAreSkipped() throws {
        var index = BenchmarkIndex()
        index.add(BenchmarkItem(benchmark: "b", id: "1"), texts: ["邊個係第一任特首？", "以上皆是"])
        #expect(index.skippedFields == 1)  // 以上皆是: four characters prove nothing
        #expect(index.firstMatch(in: "今日考試問邊個係第一任特首，我唔記得") == BenchmarkItem(benchmark: "b", id: "1"))
        #expect(index.firstMatch(in: "答案係以上皆是") == nil)
    }

    @Test func englishItemsUseWordNgrams() throws {
        var index = BenchmarkIndex()
        let text = "Which of the following best describes the main function of the Hong Kong Monetary Authority today"
        index.add(BenchmarkItem(benchmark: "mmlu", id: "9"), texts: [text])
        #expect(index.firstMatch(in: "Q: which of the following BEST describes the main function of the Hong Kong monetary authority?")
            == BenchmarkItem(benchmark: "mmlu", id: "9"))
        // Twelve words are not enough.
        #expect(index.firstMatch(in: "which of the following best describes the main function of the Hong") == nil)
    }

    @Test func readsCSVAndJSONAndFlags() throws {
        let folder = try Folder()
        // The first answer holds the separator and doubled quotes: 金管局, 即係"HKMA".
        let csv = try folder.write("hkcanto-eval.csv", "id,question,A,B\nq1,\"\(question)\",\"金管局, 即係\"\"HKMA\"\"\",財政司\n")
        let json = try folder.write("other.json", #"{"test": [{"question": "維多利亞港兩岸最早嘅過海隧道係邊一年通車嘅？"}]}"#)
        let config = DecontaminateConfig(benchmarks: [csv, json], action: .flag, fields: ["question", "A", "B"])
        let stage = try DecontaminateStage(config: config)
        #expect(stage.index.items.map(\.description) == ["hkcanto-eval#q1", "other#1"])
        var counters = StageCounters()
        var document = Document(id: "d", text: "維多利亞港兩岸最早嘅過海隧道係邊一年通車嘅？係1972年。", source: "t")
        #expect(try stage.process(&document, counters: &counters) == .keep)
        #expect(document.meta["contamination"] == .string("other#1"))
        #expect(try CSVRows.parse("a,\"b\"\"c\"\n1,\"x\ny\"\n", separator: ",", path: "t") == [["a", "b\"c"], ["1", "x\ny"]])
    }

    @Test func badFilesAreErrorsNamingTheRecord() throws {
        let folder = try Folder()
        let broken = try folder.write("broken.jsonl", "{\"question\": \"好\"}\nnot json\n")
        var index = BenchmarkIndex()
        #expect { try index.load(path: broken, fields: ["question"]) } throws: { error in
            (error as? BenchmarkFileError)?.record == 2
        }
        let noField = try folder.write("nofield.jsonl", "{\"prompt\": \"好\"}\n")
        #expect(throws: BenchmarkFileError.self) { try index.load(path: noField, fields: ["question"]) }
        #expect(throws: BenchmarkFileError.self) { try index.load(path: folder.url.appendingPathComponent("missing.jsonl").path, fields: ["question"]) }
        let unclosed = try folder.write("bad.csv", "question\n\"never closed\n")
        #expect(throws: BenchmarkFileError.self) { try index.load(path: unclosed, fields: ["question"]) }
    }
}
