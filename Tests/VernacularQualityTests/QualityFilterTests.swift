import Foundation
import Testing
import VernacularCore
@testable import VernacularQuality

/// Each filter alone (the others skipped), on documents just inside and just outside its
/// threshold from the Cantonese pack.
@Suite struct QualityFilterTests {
    let thresholds = QualityThresholds()

    func only(_ filters: QualityFilter...) -> QualityFilters {
        QualityFilters(thresholds: thresholds, skip: Set(QualityFilter.allCases).subtracting(filters))
    }

    /// `count` distinct Han characters that appear nowhere else in these tests.
    func filler(_ count: Int, from start: Int = 0) -> String {
        String(String.UnicodeScalarView((start..<(start + count)).map { Unicode.Scalar(0x4E00 + UInt32($0))! }))
    }

    func reason(_ filters: QualityFilters, _ text: String) -> String? { filters.check(text)?.code }

    @Test func packMatchesTheBuiltInDefaults() throws {
        let pack = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("langs/yue.yaml").path
        #expect(try QualityThresholds.load(packPath: pack) == QualityThresholds())
    }

    @Test func lengthBounds() {
        let filters = only(.tooShort, .tooLong)
        #expect(reason(filters, "佢 係我 朋友嚟㗎，係咪？") == nil)  // 10 non-space characters
        #expect(reason(filters, "佢係我朋友嚟㗎，係咪") == nil)
        #expect(reason(filters, "佢係我朋友嚟㗎，係") == "quality_too_short")
        #expect(reason(filters, String(repeating: "好", count: 200_000)) == nil)
        #expect(reason(filters, String(repeating: "好", count: 200_001)) == "quality_too_long")
    }

    @Test func letterFraction() {
        let filters = only(.letterFraction)
        #expect(reason(filters, filler(60) + String(repeating: "1", count: 40)) == nil)
        #expect(reason(filters, filler(59) + String(repeating: "1", count: 41)) == "quality_letter_fraction")
        #expect(reason(filters, "abc def " + filler(3) + "!!!!") == nil)  // 6 + 3 letters of 13
    }

    @Test func stopwords() {
        let filters = only(.stopwords)
        #expect(reason(filters, "我今日去咗飲茶嘅") == nil)
        #expect(filters.check("我今日去咗飲茶")?.description == "quality_stopwords: 1 < 2 of 嘅 係 喺 佢 咗 唔 啲")
        #expect(reason(filters, "我今天去了喝茶的") == "quality_stopwords")  // SWC: none at all
    }

    @Test func lineEnds() {
        let filters = only(.lineEnds)
        func document(ending: Int, of lines: Int) -> String {
            (0..<lines).map { filler(4, from: $0 * 4) + ($0 < ending ? "。" : "") }.joined(separator: "\n")
        }
        #expect(reason(filters, document(ending: 3, of: 25)) == nil)  // 0.12
        #expect(reason(filters, document(ending: 2, of: 25)) == "quality_line_ends")  // 0.08
        // Particles end sentences too, and two-line documents are not judged.
        #expect(reason(filters, "今晚食乜好呀\n打邊爐啦\n好啊") == nil)
        #expect(reason(filters, "首頁\n轉載自高登討論區") == nil)
        #expect(reason(filters, "首頁\n新聞\n轉載自高登討論區") == "quality_line_ends")
    }

    @Test func duplicateLines() {
        let filters = only(.duplicateLines)
        func document(unique: Int, repeated: Int) -> String {
            ((0..<unique).map { filler(3, from: $0 * 3) } + Array(repeating: "係呀。", count: repeated))
                .joined(separator: "\n")
        }
        // The first 係呀。 is unique; the others repeat it.
        #expect(reason(filters, document(unique: 59, repeated: 41)) == nil)  // 40 / 100
        #expect(reason(filters, document(unique: 58, repeated: 42)) == "quality_duplicate_lines")  // 41 / 100
    }

    @Test func duplicateLineCharacters() {
        let filters = only(.duplicateLineCharacters)
        let repeated = filler(10, from: 500)
        func document(lastLineLength: Int) -> String {
            ((0..<6).map { filler(10, from: $0 * 10) } + [filler(lastLineLength, from: 100), repeated, repeated, repeated])
                .joined(separator: "\n")
        }
        #expect(reason(filters, document(lastLineLength: 10)) == nil)  // 20 / 100
        #expect(reason(filters, document(lastLineLength: 9)) == "quality_duplicate_line_characters")  // 20 / 99
    }

    @Test func duplicateParagraphs() {
        let filters = only(.duplicateParagraphs)
        func document(unique: Int, repeated: Int) -> String {
            ((0..<unique).map { filler(3, from: $0 * 3) + "\n" + filler(2, from: 1000 + $0 * 2) }
                + Array(repeating: "分享\n讚好", count: repeated)).joined(separator: "\n\n")
        }
        #expect(reason(filters, document(unique: 69, repeated: 31)) == nil)  // 30 / 100
        #expect(reason(filters, document(unique: 68, repeated: 32)) == "quality_duplicate_paragraphs")  // 31 / 100
        // Lines separated by single newlines are one paragraph.
        #expect(QualityFilters.segments(of: Array("一\n二\n \n三".unicodeScalars), separatedByBlankLines: true).count == 2)
    }

    @Test func duplicateParagraphCharacters() {
        let filters = only(.duplicateParagraphCharacters)
        let repeated = filler(10, from: 500)
        func document(lastLength: Int) -> String {
            ((0..<6).map { filler(10, from: $0 * 10) } + [filler(lastLength, from: 100), repeated, repeated, repeated])
                .joined(separator: "\n\n")
        }
        #expect(reason(filters, document(lastLength: 10)) == nil)
        #expect(reason(filters, document(lastLength: 9)) == "quality_duplicate_paragraph_characters")
    }

    @Test func topNgram() {
        let filters = only(.topNgram)
        // Ten 好正 (20 characters), each followed by distinct characters.
        func document(total: Int) -> String {
            let rest = total - 20
            return (0..<10).map { "好正" + filler(rest / 10 + ($0 < rest % 10 ? 1 : 0), from: $0 * 20) }.joined()
        }
        #expect(reason(filters, document(total: 100)) == nil)  // 0.20
        #expect(filters.check(document(total: 99))?.description == "quality_top_ngram: 2-gram 0.202 > 0.2")
        #expect(reason(filters, String(repeating: "好正", count: 20)) == "quality_top_ngram")
        // English words are units, so a repeated word pair counts by its letters.
        #expect(QualityFilters.topNgramCharacterFraction(TextUnits("buy now buy now buy now"), n: 2) == 1)
    }

    @Test func duplicateNgram() {
        let filters = only(.duplicateNgram)
        let phrase = filler(5, from: 700)
        // Four copies of a 5-character phrase: the last three (15 characters) repeat the first.
        func document(total: Int) -> String {
            let rest = total - 20
            return (0..<4).map { phrase + filler(rest / 4 + ($0 < rest % 4 ? 1 : 0), from: $0 * 30) }.joined()
        }
        #expect(reason(filters, document(total: 100)) == nil)  // 0.15
        #expect(filters.check(document(total: 99))?.description == "quality_duplicate_ngram: 5-gram 0.1515 > 0.15")
    }

    @Test func realCantoneseTextPassesEveryFilter() {
        let text = """
            琴日去咗旺角嗰間新開嘅茶餐廳，佢哋嘅菠蘿油真係好好食。
            牛油又厚又凍，個包仲係熱辣辣㗎。
            不過啲奶茶就麻麻哋，太甜喇。
            下次我會試吓佢哋嘅餐蛋麵先，你哋有冇去過呀？
            """
        #expect(QualityFilters().check(text) == nil)
    }

    @Test func stageDropsWithTheFilterName() throws {
        let stage = QualityStage()
        var counters = StageCounters()
        var spam = Document(id: "s", text: String(repeating: "好正好正！\n", count: 30), source: "t")
        guard case .drop(let reason) = try stage.process(&spam, counters: &counters) else {
            Issue.record("spam was kept")
            return
        }
        #expect(reason.code.hasPrefix("quality_"))
    }

    @Test func unknownPackKeyIsAnError() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("quality-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("pack.yaml").path
        try "quality:\n  min_charactres: 5\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: PipelineFileError.self) { try QualityThresholds.load(packPath: path) }
        try "quality:\n  min_letter_fraction: 1.5\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: (any Error).self) { try QualityThresholds.load(packPath: path) }
    }
}
