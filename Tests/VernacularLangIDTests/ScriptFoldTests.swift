import Testing
@testable import VernacularLangID

@Suite struct ScriptFoldTests {
    @Test func traditionalAndSimplifiedFoldToTheSameText() {
        for (traditional, simplified) in Fixtures.scriptPairs {
            #expect(ScriptFold.fold(traditional) == ScriptFold.fold(simplified))
        }
    }

    @Test func cantoneseCharactersAndLatinAreUntouched() {
        #expect(ScriptFold.fold("嘅咗喺哋冇嚟唔啲𡃉 hello 123") == "嘅咗喺哋冇嚟唔啲𡃉 hello 123")
    }

    @Test func regionalVariantsFoldTooAndFoldingIsIdempotent() {
        // 綫 (Hong Kong) and 線 (Taiwan) are the same word as 线.
        #expect(ScriptFold.fold("綫") == "线")
        #expect(ScriptFold.fold("線") == "线")
        #expect(ScriptFold.count > 4_000)
        let sample = "萬與醜專業叢東絲兩嚴喪個豐臨為麗舉麼義烏樂喬習鄉書買亂爭於虧雲亙亞產畝親褻嚲億僅從侖倉儀們價眾優夥會傴傘偉傳傷倀倫傖偽佇體餘傭僉俠侶僥偵側僑儈儕儂俁"
        #expect(ScriptFold.fold(ScriptFold.fold(sample)) == ScriptFold.fold(sample))
    }
}
