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
