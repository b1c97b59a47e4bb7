import Testing
import VernacularCore
import Yams
@testable import VernacularLangID

@Suite struct LangIDStageTests {
    func stage(_ yaml: String) throws -> LangIDStage {
        let node = try #require(try Yams.compose(yaml: yaml))
        let config = try LangIDStageConfig.decodeStrictly(from: node, file: "pipeline.yaml", section: "langid")
        return LangIDStage(config: config, classifier: try Fixtures.defaultClassifier())
    }

    @Test func documentModeKeepsCantoneseAndAddsMeta() throws {
        let langid = try stage("keep: [yue]\nmin_share: 0.5")
        var counters = StageCounters()
        var cantonese = Document(id: "1", text: "我哋今晚去邊度食飯呀？你聽日得唔得閒，一齊去睇戲啦。", source: "t")
        #expect(try langid.process(&cantonese, counters: &counters) == .keep)
        #expect(cantonese.meta["lang"] == .string("yue"))
        #expect((cantonese.meta["yue_share"]?.doubleValue ?? 0) == 1)
        #expect((cantonese.meta["lang_score"]?.doubleValue ?? 0) > 0.5)

        var swc = Document(id: "2", text: "政府今天公布了新的房屋政策，以改善市民的居住環境。", source: "t")
        guard case .drop(let reason) = try langid.process(&swc, counters: &counters) else {
            Issue.record("SWC document kept")
            return
        }
        #expect(reason.code == "lang_not_kept")
        #expect(swc.meta["lang"] == .string("zh"))
        #expect(counters.values["lang_yue"] == 1 && counters.values["lang_zh"] == 1)
    }

    @Test func sentenceModeKeepsOnlyCantoneseSentences() throws {
        let langid = try stage("keep: [yue]\nmode: sentences")
        var counters = StageCounters()
        var document = Document(id: "1", text: "我哋今晚去邊度食飯呀？政府今天公布了新的房屋政策。你聽日得唔得閒，一齊去睇戲啦。", source: "t")
        #expect(try langid.process(&document, counters: &counters) == .keep)
        #expect(document.text == "我哋今晚去邊度食飯呀？你聽日得唔得閒，一齊去睇戲啦。")
        #expect(counters.values[LangIDCounter.sentencesDropped] == 1)

        var english = Document(id: "2", text: "Nothing here is Cantonese.", source: "t")
        #expect(try langid.process(&english, counters: &counters) == .drop(DropReason("no_sentence_kept", detail: "en")))
    }

    @Test func documentsWithoutSignalAreKeptOnlyWhenKeepNamesNeutral() throws {
        let table = "飲品\t價錢\n凍奶茶\t20\n凍檸茶\t19\n熱咖啡\t18"
        var counters = StageCounters()
        var document = Document(id: "1", text: table, source: "t")
        #expect(try stage("keep: [yue, mixed]").process(&document, counters: &counters)
                == .drop(DropReason("lang_not_kept", detail: "neutral 1.0")))
        #expect(document.meta["lang"] == .string("neutral"))
        #expect(counters.values["lang_neutral"] == 1)
        // Kept when asked for, and the Cantonese-share bar, meant for Cantonese documents, does not apply.
        var again = Document(id: "1", text: table, source: "t")
        #expect(try stage("keep: [yue, neutral]\nmin_share: 0.5").process(&again, counters: &counters) == .keep)
    }

    @Test func sentenceModeKeepsTheHeadingsOfKeptSections() throws {
        let langid = try stage("keep: [yue]\nmode: sentences")
        var counters = StageCounters()
        let text = "歷史\n我哋嘅茶餐廳喺1950年開業，而家仲有好多人嚟食嘢。\n現況\n政府今天公布了新的政策。\n年份\t數目"
        var document = Document(id: "1", text: text, source: "t")
        #expect(try langid.process(&document, counters: &counters) == .keep)
        #expect(document.text == "歷史\n我哋嘅茶餐廳喺1950年開業，而家仲有好多人嚟食嘢。\n現況")
        #expect(LangIDStage.keptSentences([.neutral, .zh, .neutral, .yue], keep: [.yue]) == [false, false, true, true])
        #expect(LangIDStage.keptSentences([.neutral, .neutral], keep: [.yue]) == [false, false])
        #expect(LangIDStage.keptSentences([.neutral, .zh], keep: [.yue, .neutral]) == [true, false])
    }

    @Test func unknownKeysAndBadValuesAreErrors() throws {
        #expect(throws: PipelineFileError.self) { try stage("keep: [yue]\nmin_shar: 0.5") }
        #expect(throws: (any Error).self) { try stage("min_share: 1.5") }
        #expect(throws: (any Error).self) { try stage("keep: [cantonese]") }
    }

    @Test func theRegistryBuildsTheStage() throws {
        var registry = StageRegistry()
        LangIDStages.register(in: &registry)
        #expect(registry.names == ["langid"])
    }
}
