import Foundation
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

extension NormalizeStageTests {
    /// Scalars that some canonical composition takes as its second part (combining marks, Hangul
    /// vowels and final consonants, some Indic vowel signs): NFC may join them to what precedes.
    static func composingSeconds() -> Set<UInt32> {
        var seconds = Set<UInt32>()
        for value in UInt32(0)...0x2FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let decomposed = String(Character(scalar)).decomposedStringWithCanonicalMapping.unicodeScalars
            for part in decomposed.dropFirst() { seconds.insert(part.value) }
        }
        return seconds
    }

    /// Every scalar the quick checks let through is left alone by Foundation's NFC (NFKC), has
    /// combining class 0 (nothing reorders around it) and is never the second part of a
    /// composition, so text made only of them is already normalised.
    @Test func nfcQuickCheckAgreesWithFoundation() {
        let seconds = Self.composingSeconds()
        #expect(seconds.contains(0x0301) && seconds.contains(0x3099) && seconds.contains(0x1161))
        // The checks' switches and the listed ranges agree on every scalar.
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = String(Character(scalar))
            if UnicodeQuickCheck.isNFC(text) != UnicodeQuickCheck.nfcStarters.contains(where: { $0.contains(value) })
                || UnicodeQuickCheck.isNFKC(text) != UnicodeQuickCheck.nfkcStarters.contains(where: { $0.contains(value) }) {
                Issue.record("U+\(String(value, radix: 16)): quick check and its listed ranges disagree")
            }
        }
        for (ranges, compatibility) in [(UnicodeQuickCheck.nfcStarters, false), (UnicodeQuickCheck.nfkcStarters, true)] {
            for range in ranges {
                for value in range {
                    guard let scalar = Unicode.Scalar(value) else { continue }
                    let text = String(Character(scalar))
                    let normalized = compatibility ? text.precomposedStringWithCompatibilityMapping
                        : text.precomposedStringWithCanonicalMapping
                    if scalar.properties.canonicalCombiningClass != .notReordered || seconds.contains(value)
                        || !normalized.unicodeScalars.elementsEqual(text.unicodeScalars) {
                        Issue.record("U+\(String(value, radix: 16)) is not a stable starter")
                    }
                }
            }
        }
        // Text the checks must send to Foundation: combining marks, compatibility ideographs,
        // conjoining jamo, singleton decompositions, and for NFKC full-width forms and ligatures.
        for text in ["cafe\u{0301}", "か\u{3099}", "\u{F900}", "\u{1100}\u{1161}", "\u{212B}", "\u{2000}", "\u{302B}\u{302A}"] {
            #expect(!UnicodeQuickCheck.isNFC(text), "\(text)")
        }
        for text in ["ＡＢＣ", "ﬁ", "①", "é", "\u{F900}"] { #expect(!UnicodeQuickCheck.isNFKC(text), "\(text)") }
        #expect(UnicodeQuickCheck.isNFC("佢哋𡃉咗︰係呀 ﹐好正！Ａ café 👍🏽 한국"))
        #expect(UnicodeQuickCheck.isNFKC("佢哋講「好」。"))
    }

    /// The stage's output and counters with the quick check equal those of a stage that always
    /// calls Foundation first (the stage with NFC off, fed Foundation's NFC).
    @Test func quickCheckedStageMatchesFoundationRoute() throws {
        var off = NormalizeConfig()
        off.unicode = .none
        let reference = try NormalizeStage(config: off)
        for text in ["佢哋𡃉咗︰係呀 ﹐好正！", "cafe\u{0301} か\u{3099} \u{F900}", "  Ｈｅｌｌｏ\u{200B}　世界\n\n\n\n再見\t\t喇 ",
                     "佢說要保衛香港", "我们说广东话", "好å˜…嘢 \u{1100}\u{1161}"] {
            let nfc = text.precomposedStringWithCanonicalMapping
            var (expected, expectedChanges) = try reference.normalize(nfc)
            expectedChanges.unicodeForm = !nfc.utf8.elementsEqual(text.utf8)
            expectedChanges.changed = !expected.utf8.elementsEqual(text.utf8)
            let (output, changes) = try stage.normalize(text)
            #expect(Array(output.utf8) == Array(expected.utf8), "\(text)")
            #expect(changes == expectedChanges, "\(text)")
        }
    }

    /// `changed` is set exactly when the bytes differ, and unchanged text comes back as it was.
    @Test func reportsChangeOnlyWhenBytesDiffer() throws {
        let kept = "佢哋喺度食緊飯，我哋去咗邊度？"
        let (same, unchanged) = try stage.normalize(kept)
        #expect(same == kept && !unchanged.changed)
        #expect(try stage.normalize(" " + kept).1.changed)  // a leading space has no counter of its own
        #expect(try stage.normalize("佢说").1.changed)  // Simplified 说 to Traditional 說
        #expect(!(try stage.normalize("佢說").1.changed))  // Traditional stays as written by default
    }

    /// The byte-level Hong Kong variant pass gives what the per-scalar map gives, around
    /// characters of every UTF-8 length.
    @Test func hongKongVariantBytesMatchScalarMap() throws {
        let tables = try ScriptTables.shared()
        let text = "a說é衛𡃉爲😀脫\n溫"
        var expected = String.UnicodeScalarView()
        var count = 0
        for scalar in text.unicodeScalars {
            if let form = tables.hongKongForms[scalar.value] { expected.append(form); count += 1 } else { expected.append(scalar) }
        }
        let (converted, changed) = tables.hongKongVariants(of: text)
        #expect(converted == String(expected) && changed == count && count >= 4)
    }
}
