import Testing
import VernacularCore
@testable import VernacularText

@Suite struct NormalizeStageTests {
    let stage: NormalizeStage

    init() throws { stage = try NormalizeStage() }

    @Test func foldsFullwidthLettersButKeepsCantonesePunctuation() throws {
        let (text, changes) = try stage.normalize("我哋去ＡＢＣ食飯，好唔好？１２３")
        #expect(text == "我哋去ABC食飯，好唔好？123")
        #expect(changes.widthFolded == 6)
    }

    @Test func foldsPunctuationWhenAsked() throws {
        let stage = try NormalizeStage(config: NormalizeConfig(fullwidthPunctuation: true))
        #expect(try stage.normalize("好唔好？").0 == "好唔好?")
    }

    @Test func removesControlAndZeroWidthButKeepsEmojiJoiner() throws {
        let family = "👨\u{200D}👩\u{200D}👧"
        let (text, changes) = try stage.normalize("佢\u{200B}哋\u{0007}嚟\u{FEFF}咗\(family)")
        #expect(text == "佢哋嚟咗\(family)")
        #expect(changes.invisibleRemoved == 3)
    }

    @Test func composesToNFC() throws {
        // "e" + combining acute accent becomes one precomposed scalar.
        let (text, changes) = try stage.normalize("cafe\u{0301}")
        #expect(text.unicodeScalars.count == 4)
        #expect(changes.unicodeForm)
    }

    @Test func collapsesWhitespaceAndBlankLines() throws {
        let (text, _) = try stage.normalize("  你好   世界  \n\n\n\n再見\t\t喇 ")
        #expect(text == "你好 世界\n\n再見 喇")
    }

    @Test func dropsDocumentsLeftEmptyAndCountsChanges() throws {
        var counters = StageCounters()
        var empty = Document(id: "a", text: " \u{200B} ", source: "t")
        #expect(try stage.process(&empty, counters: &counters) == .drop(DropReason("empty_after_normalize")))
        var document = Document(id: "b", text: "ＯＫ喇", source: "t")
        #expect(try stage.process(&document, counters: &counters) == .keep)
        #expect(document.text == "OK喇")
        #expect(counters.values[NormalizeCounter.widthFolded] == 2)
        #expect(counters.values[NormalizeCounter.changedDocuments] == 2)
    }
}
