import Foundation
import Testing

/// `vern langid classify`: one output line per input line, whatever the line holds.
@Suite struct LangIDCommandTests {
    @Test func oneLinePerInputLine() throws {
        var input: [UInt8] = []
        input += Array("佢哋琴日去咗睇戲。\n".utf8)
        input += Array("\n".utf8)                        // empty
        input += [0xE4, 0xBD, 0xA0, 0xFF, 0xFE, 0x0A]    // invalid UTF-8
        input += Array("他們昨天去看了電影。\n".utf8)
        input += Array("The meeting will be held next week.\n".utf8)
        input += Array("😂😂😂".utf8)                    // last line without a newline
        let result = try VernBinary.run(["langid", "classify"], bytes: input)
        #expect(result.status == 0, "\(result.error)")
        let lines = result.output.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 6)
        let labels = lines.map { $0.split(separator: "\t").first.map(String.init) ?? "" }
        #expect(labels == ["yue", "neutral", "other", "zh", "en", "neutral"])
        for line in lines {
            let fields = line.split(separator: "\t")
            #expect(fields.count == 2)
            if let score = Double(fields[1]) { #expect((0...1).contains(score)) } else { Issue.record("no score in '\(line)'") }
        }
    }

    @Test func documentsGetMetaAndBadLinesGetAnErrorRecord() throws {
        let input = #"{"id":"a","text":"我哋今晚去邊度食飯呀？呢間餐廳好好食。"}"# + "\nnot json\n"
        let result = try VernBinary.run(["langid", "classify", "--documents"], bytes: Array(input.utf8))
        #expect(result.status == 0, "\(result.error)")
        let lines = result.output.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].contains(#""lang":"yue""#))
        #expect(lines[0].contains(#""lang_sentences":[{"start":0,"end":11"#))
        #expect(lines[1].hasPrefix(#"{"line":2,"error":"#))
    }
}
