import Dispatch
import Foundation
import Synchronization
import Testing
import VernacularCore
@testable import VernacularText

/// OpenCC through Debian's libopencc: which documents convert, which way, and how it is counted.
@Suite struct ScriptConversionTests {
    let hongKong: NormalizeStage
    let standard: NormalizeStage

    init() throws {
        hongKong = try NormalizeStage(config: NormalizeConfig(opencc: .s2hk))
        standard = try NormalizeStage()
    }

    @Test func theDefaultConvertsSimplifiedAndLeavesTraditionalAsWritten() throws {
        #expect(NormalizeConfig().opencc == .s2t)
        var document = Document(id: "post-0", text: "佢哋喺度食紧饭，我们说去咗边度搵嘢？", source: "forum")
        var counters = StageCounters()
        #expect(try standard.process(&document, counters: &counters) == .keep)
        #expect(document.text == "佢哋喺度食緊飯，我們說去咗邊度搵嘢？")  // 說, not Hong Kong's 説
        // Already Traditional: no Hong Kong variant forms (說 搵 衛 爲 stay), nothing counted.
        let traditional = "佢說爲咗保衛香港，去邊度搵工都得。"
        var written = Document(id: "post-1", text: traditional, source: "forum")
        var untouched = StageCounters()
        _ = try standard.process(&written, counters: &untouched)
        #expect(written.text == traditional)
        #expect(untouched.values[NormalizeCounter.openccDocuments] == nil)
    }

    @Test func t2hkGivesVariantsToTraditionalOnly() throws {
        let variants = try NormalizeStage(config: NormalizeConfig(opencc: .t2hk))
        #expect(try variants.normalize("佢爲咗保衛香港").0 == "佢為咗保衞香港")
        #expect(try variants.normalize("我们说广东话").0 == "我们说广东话")
    }

    @Test func simplifiedCantoneseBecomesHongKongTraditional() throws {
        var document = Document(id: "post-1", text: "佢哋喺度食紧饭，我们去咗边度？", source: "forum")
        var counters = StageCounters()
        #expect(try hongKong.process(&document, counters: &counters) == .keep)
        #expect(document.text == "佢哋喺度食緊飯，我們去咗邊度？")
        #expect(counters.values[NormalizeCounter.openccDocuments] == 1)
        #expect(counters.values[NormalizeCounter.openccCharacters] == 4)  // 紧 饭 们 边
        #expect(counters.values[NormalizeCounter.changedDocuments] == 1)
    }

    @Test func traditionalTextKeepsCharactersThatS2HKWouldRewrite() throws {
        // s2hk alone turns 干擾 into 幹擾 and 皇后 stays only by luck of its phrase table; a
        // document that reads as Traditional must not go through it.
        let text = "佢哋話呢個訊號會干擾收音機，係咪真㗎？天后站落車。"
        var document = Document(id: "news-2", text: text, source: "forum")
        var counters = StageCounters()
        _ = try hongKong.process(&document, counters: &counters)
        #expect(document.text == text)
        #expect(counters.values[NormalizeCounter.openccDocuments] == nil)
    }

    @Test func traditionalTextTakesHongKongVariants() throws {
        let (text, changes) = try hongKong.normalize("佢爲咗保衛香港，做咗好多嘢。")
        #expect(text == "佢為咗保衞香港，做咗好多嘢。")
        #expect(changes.scriptConverted == 2)
    }

    @Test func otherTargetsAndNone() throws {
        let toSimplified = try NormalizeStage(config: NormalizeConfig(opencc: .t2s))
        #expect(try toSimplified.normalize("佢為咗保衛香港").0 == "佢为咗保卫香港")
        let toTraditional = try NormalizeStage(config: NormalizeConfig(opencc: .s2t))
        #expect(try toTraditional.normalize("我们说广东话").0 == "我們說廣東話")
        // s2t leaves Traditional documents, variants included, as they are.
        #expect(try toTraditional.normalize("佢爲咗保衛香港").0 == "佢爲咗保衛香港")
        let off = try NormalizeStage(config: NormalizeConfig(opencc: .none))
        #expect(try off.normalize("我们说广东话").0 == "我们说广东话")
    }

    @Test func documentsWithoutHanNeedNoConverter() throws {
        let converter = try ScriptConverter(target: .s2hk)
        var evidence = ScriptEvidence()
        for scalar in "Meet at 7pm, Central MTR exit A!".unicodeScalars { converter.tables.tally(scalar.value, into: &evidence) }
        #expect(evidence.han == 0)
        #expect(converter.step(for: evidence) == nil)
        for scalar in "我们说".unicodeScalars { converter.tables.tally(scalar.value, into: &evidence) }
        #expect(evidence.simplified == 2)  // 们 说; 我 is the same in both scripts
        guard case .openCC(let pool)? = converter.step(for: evidence) else {
            Issue.record("a Simplified document needs OpenCC")
            return
        }
        #expect(pool.configuration == "s2hk.json")
    }

    @Test func onePoolServesManyThreadsWithoutMixingTexts() throws {
        let pool = try OpenCCConverterPool(configuration: "s2hk.json")
        let inputs = (0..<64).map { "第\($0)个人话：我们听日去边度食饭？" }
        let results = Mutex<[Int: String]>([:])
        let failures = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: inputs.count) { index in
            do {
                let converted = try pool.convert(inputs[index])
                results.withLock { $0[index] = converted }
            } catch {
                failures.withLock { $0 += 1 }
            }
        }
        #expect(failures.withLock { $0 } == 0)
        // One handle per thread that converted at the same moment, never one per document.
        #expect(pool.handlesOpened <= ProcessInfo.processInfo.activeProcessorCount + 1)
        for index in inputs.indices {
            #expect(results.withLock { $0[index] } == "第\(index)個人話：我們聽日去邊度食飯？")
        }
    }

    @Test func hongKongVariantMapIsWhatOpenCCT2HKDoes() throws {
        // The per-character map read from t2hk.json must give what a call into OpenCC gives.
        let tables = try ScriptTables.shared()
        #expect(tables.hongKongForms.count >= 50)
        let text = "佢說要搵個溫暖嘅戶口，爲咗保衛自己，脫咗件衫先。"
        let opencc = try OpenCCConverterPool(configuration: "t2hk.json").convert(text)
        #expect(tables.hongKongVariants(of: text).0 == opencc)
        #expect(opencc != text)
    }

    @Test func oneThreadReusesOneHandle() throws {
        let pool = try OpenCCConverterPool(configuration: "t2hk.json")
        for _ in 0..<200 { _ = try pool.convert("佢爲咗保衛香港") }
        #expect(pool.handlesOpened == 1)
    }

    @Test func unknownConfigurationFailsWhenTheStageIsBuilt() {
        #expect(throws: OpenCCError.self) { try OpenCCConverterPool(configuration: "no-such-config.json") }
    }

    @Test func configurationReadsFromThePipelineFile() throws {
        let spec = try PipelineSpec.parse(yaml: """
            input: {paths: [in.jsonl]}
            output: {dir: out}
            stages:
              - normalize: {opencc: t2s, repair_mojibake: false}
            """, file: "pipeline.yaml")
        var registry = StageRegistry()
        TextStages.register(in: &registry)
        let stage = try #require(try registry.makeStages(for: spec).first as? NormalizeStage)
        #expect(stage.config.opencc == .t2s)
        #expect(stage.config.repairMojibake == false)
        let bad = try PipelineSpec.parse(yaml: """
            input: {paths: [in.jsonl]}
            output: {dir: out}
            stages:
              - normalize: {opencc: s2x}
            """, file: "pipeline.yaml")
        #expect(throws: (any Error).self) { try registry.makeStages(for: bad) }
    }
}

/// Mojibake: UTF-8 read as Windows-1252 or Latin-1, and genuine Latin text that must stay.
@Suite struct MojibakeTests {
    let stage: NormalizeStage

    init() throws { stage = try NormalizeStage(config: NormalizeConfig(opencc: .none)) }

    @Test func repairsHanReadAsWindows1252() throws {
        var document = Document(id: "m-1", text: "ä½¢å“‹å–ºåº¦é£Ÿç·Šé£¯ï¼Œæˆ‘å“‹åŽ»å’—é‚Šåº¦ï¼Ÿ", source: "old-forum")
        var counters = StageCounters()
        _ = try stage.process(&document, counters: &counters)
        #expect(document.text == "佢哋喺度食緊飯，我哋去咗邊度？")
        #expect(counters.values[NormalizeCounter.mojibakeDocuments] == 1)
        #expect(counters.values[NormalizeCounter.mojibakeCharacters] == 15)
    }

    @Test func repairsSingleCharactersAndPunctuationInPlace() throws {
        let (text, changes) = try stage.normalize("佢話好å˜…，I donâ€™t mind")
        #expect(text == "佢話好嘅，I don’t mind")
        #expect(changes.mojibakeRepaired == 2)
    }

    @Test func repairsLatin1DecodingWithC1Controls() throws {
        // A Latin-1 decoder keeps bytes 0x80-0x9F as C1 controls; repair runs before they are removed.
        let (text, changes) = try stage.normalize("好å\u{98}\u{85}嘢ã\u{80}\u{8C}你好ã\u{80}\u{8D}")
        #expect(text == "好嘅嘢「你好」")
        #expect(changes.mojibakeRepaired == 3)
        #expect(changes.invisibleRemoved == 0)
    }

    @Test func keepsGenuineCurlyQuotesAroundARepair() throws {
        #expect(try stage.normalize("佢講：“å˜…”").0 == "佢講：“嘅”")
    }

    @Test func leavesGenuineLatinTextAlone() throws {
        for text in ["café au lait", "a naïve reading", "Ångström, Zürich, São Paulo", "Œuvre — “déjà vu”…",
                     "Ã©tÃ© (two-byte mojibake of Latin letters is ambiguous, so it stays)"] {
            var document = Document(id: "latin", text: text, source: "t")
            var counters = StageCounters()
            _ = try stage.process(&document, counters: &counters)
            #expect(document.text == text)
            #expect(counters.values[NormalizeCounter.mojibakeDocuments] == nil)
        }
    }

    @Test func offMeansOff() throws {
        let off = try NormalizeStage(config: NormalizeConfig(repairMojibake: false, opencc: .none))
        #expect(try off.normalize("å˜…").0 == "å˜…")
    }
}
