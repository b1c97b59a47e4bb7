import Testing
@testable import VernacularLangID

@Suite struct SentenceSplitterTests {
    let splitter = SentenceSplitter()

    @Test func splitsHanAndLatinSentencesKeepingClosers() {
        let spans = splitter.split("佢話：「今日唔得閒。」我哋聽日再約啦！Let's meet at 3.30 p.m. tomorrow. OK?")
        #expect(spans.map(\.text) == ["佢話：「今日唔得閒。」", "我哋聽日再約啦！", "Let's meet at 3.30 p.m. tomorrow.", "OK?"])
    }

    @Test func offsetsCountUnicodeScalarsAndSkipBlankLines() {
        let text = "𡃉喎。\n\n  好啊 \n"
        let spans = splitter.split(text)
        #expect(spans.map(\.text) == ["𡃉喎。", "好啊"])
        #expect(spans.map(\.start) == [0, 7])
        #expect(spans.map(\.end) == [3, 9])
        let scalars = Array(text.unicodeScalars)
        #expect(String(String.UnicodeScalarView(scalars[7..<9])) == "好啊")
    }

    @Test func cutsVeryLongRunsWithoutPunctuation() {
        let line = String(repeating: "啊", count: 2_500)
        let spans = SentenceSplitter(maxScalars: 1_000).split(line)
        #expect(spans.map { $0.end - $0.start } == [1_000, 1_000, 500])
    }
}
