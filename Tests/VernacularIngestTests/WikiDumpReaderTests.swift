import Foundation
import Testing
import VernacularCore
@testable import VernacularIngest

@Suite struct WikiDumpReaderTests {
    static let header = """
        <mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11" xml:lang="zh-yue">
          <siteinfo>
            <sitename>維基百科</sitename>
            <dbname>zh_yuewiki</dbname>
            <base>https://zh-yue.wikipedia.org/wiki/%E9%A0%AD%E7%89%88</base>
          </siteinfo>

        """
    static let footer = "</mediawiki>\n"

    static func page(_ id: Int, _ title: String, _ text: String, redirect: String? = nil, ns: Int = 0) -> String {
        """
          <page>
            <title>\(title)</title>
            <ns>\(ns)</ns>
            <id>\(id)</id>
        \(redirect.map { "    <redirect title=\"\($0)\" />\n" } ?? "")    <revision>
              <id>\(id * 10)</id>
              <timestamp>2024-05-01T00:00:00Z</timestamp>
              <contributor><username>編者</username><id>7</id></contributor>
              <text bytes="1" xml:space="preserve">\(text)</text>
            </revision>
          </page>

        """
    }

    static let pages = [
        page(1, "香港", "'''香港'''係一個城市。\n{| \n| 甲 || 乙\n|}\n[[Category:城市]]"),
        page(2, "HK", "#REDIRECT [[香港]]", redirect: "香港"),
        page(3, "九龍 (消歧義)", "九龍可以指：\n* [[九龍半島]]\n{{disambig}}"),
        page(4, "Talk:香港", "討論", ns: 1),
        // Malformed: </revision> closes <text>.
        "  <page>\n    <title>壞頁</title>\n    <ns>0</ns>\n    <id>5</id>\n    <revision>\n      <text>未收尾\n    </revision>\n  </page>\n",
        page(6, "粵語", "粵語係一種語言，&amp;lt;b&amp;gt; 唔係標籤 &amp;amp; 符號。"),
    ]

    static var dump: String { header + pages.joined() + footer }

    @Test func readsArticlesAndSkipsTheMalformedPageByName() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("zh_yuewiki-pages.xml", Self.dump)
        let (documents, report) = try WikiDumpReader().documents(file: file, policy: .skip)
        #expect(documents.map(\.id) == ["zh_yuewiki/1", "zh_yuewiki/6"])
        #expect(documents[0].text == "香港係一個城市。\n甲\t乙")
        #expect(documents[1].text == "粵語係一種語言，<b> 唔係標籤 & 符號。")
        #expect(documents[0].meta["url"] == .string("https://zh-yue.wikipedia.org/wiki/香港"))
        #expect(documents[0].meta["revision_id"] == .string("10"))
        #expect(documents[0].meta["categories"] == .array([.string("城市")]))
        #expect(report.counters["pages_redirect"] == 1)
        #expect(report.counters["pages_disambiguation"] == 1)
        #expect(report.counters["pages_other_namespace"] == 1)
        #expect(report.counters["pages_malformed"] == 1)
        #expect(report.problems.count == 1)
        #expect(report.problems[0].message.contains("壞頁"))
        #expect(report.problems[0].message.contains("<text> is not closed before the page ends"))
    }

    /// A dump edited by hand or written by another tool may hold wikitext markup unescaped. Read
    /// as XML elements, `<ref>` ended the text there and everything before it was lost silently;
    /// the text is the same as for the escaped form.
    @Test func unescapedMarkupInTheTextIsReadAsText() throws {
        let folder = try TemporaryFolder()
        let raw = "茶餐廳係香港嘅食肆。<ref name=\"hk\">《香港飲食史》</ref>佢哋賣奶茶同多士。<br/>\n== 歷史 ==\n冰室演變成茶餐廳。"
        let escaped = raw.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
        let file = try folder.write("dump.xml", Self.header + Self.page(7, "茶餐廳", raw) + Self.page(8, "冰室", escaped) + Self.footer)
        let (documents, report) = try WikiDumpReader().documents(file: file, policy: .fail)
        #expect(report.problems.isEmpty)
        #expect(documents.count == 2)
        #expect(documents[0].text.hasPrefix("茶餐廳係香港嘅食肆。"), "\(documents[0].text)")
        #expect(documents[0].text.contains("佢哋賣奶茶同多士。"))
        #expect(documents[0].text.contains("冰室演變成茶餐廳。"))
        #expect(!documents[0].text.contains("香港飲食史"))
        #expect(documents[0].text == documents[1].text)
    }

    @Test func failPolicyStopsAtTheMalformedPage() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("dump.xml", Self.dump)
        #expect(throws: InputProblem.self) { try WikiDumpReader().documents(file: file, policy: .fail) }
    }

    @Test func flaggedPagesCanBeKeptWithTheirFlags() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("dump.xml", Self.dump)
        var options = WikiDumpReader.Options()
        options.includeFlagged = true
        let (documents, _) = try WikiDumpReader(options: options).documents(file: file, policy: .skip)
        #expect(documents.map(\.id) == ["zh_yuewiki/1", "zh_yuewiki/2", "zh_yuewiki/3", "zh_yuewiki/6"])
        #expect(documents[1].meta["redirect"] == .string("香港"))
        #expect(documents[2].meta["disambiguation"] == .bool(true))
    }

    @Test func bzip2DumpGivesTheSameDocuments() throws {
        let folder = try TemporaryFolder()
        let plain = try folder.write("a.xml", Self.dump)
        let compressed = try folder.write("a.xml.bz2", try bzip2(Self.dump))
        let expected = try WikiDumpReader().documents(file: plain, policy: .skip).documents
        let documents = try WikiDumpReader().documents(file: compressed, policy: .skip).documents
        #expect(documents.map(\.text) == expected.map(\.text))
        #expect(documents.map(\.meta) == expected.map(\.meta))
    }

    /// A multistream dump: a header stream, one stream per two pages, a footer stream, and the
    /// index of `offset:pageid:title` lines.
    static func multistream(in folder: TemporaryFolder) throws -> (dump: String, index: String, streams: [[UInt8]]) {
        var streams: [[UInt8]] = [try bzip2(header)]
        var indexLines: [String] = []
        var offset = streams[0].count
        let groups = stride(from: 0, to: pages.count, by: 2).map { Array(pages[$0..<min(pages.count, $0 + 2)]) }
        for (number, group) in groups.enumerated() {
            let stream = try bzip2(group.joined())
            indexLines.append("\(offset):\(number * 2 + 1):標題:有冒號")
            offset += stream.count
            streams.append(stream)
        }
        streams.append(try bzip2(footer))
        let dump = try folder.write("zh_yuewiki-multistream.xml.bz2", streams.flatMap { $0 })
        let index = try folder.write("zh_yuewiki-multistream-index.txt",
                                     indexLines.joined(separator: "\n") + "\nnot an index line\n")
        return (dump, index, streams)
    }

    @Test func multistreamStreamsAreReadIndependentlyInDumpOrder() throws {
        let folder = try TemporaryFolder()
        let (dump, _, _) = try Self.multistream(in: folder)
        var options = WikiDumpReader.Options()
        options.workers = 2
        let (documents, report) = try WikiDumpReader(options: options).documents(file: dump, policy: .skip)
        #expect(documents.map(\.id) == ["zh_yuewiki/1", "zh_yuewiki/6"])
        #expect(documents[0].meta["url"] == .string("https://zh-yue.wikipedia.org/wiki/香港"))
        #expect(report.counters["index_lines_bad"] == 1)
        #expect(report.counters["pages_malformed"] == 1)
    }

    @Test func truncatedBzip2KeepsThePagesBeforeTheCut() throws {
        let folder = try TemporaryFolder()
        let (_, _, streams) = try Self.multistream(in: folder)
        // Concatenated streams without the index, cut inside the last page stream.
        var bytes = streams.dropLast(2).flatMap { $0 }
        bytes += streams[streams.count - 2].prefix(streams[streams.count - 2].count / 2)
        let file = try folder.write("cut.xml.bz2", bytes)
        var report = IngestReport()
        var documents: [Document] = []
        #expect(throws: IOError.self) {
            try WikiDumpReader().read(file: file, policy: .skip, report: &report) { documents.append($0) }
        }
        #expect(documents.map(\.id) == ["zh_yuewiki/1"])
    }

    @Test func aRunKeepsEveryOtherFileWhenOneIsTruncated() throws {
        let folder = try TemporaryFolder()
        let whole = try bzip2(Self.dump)
        try folder.write("a-cut.xml.bz2", Array(whole.prefix(whole.count - 40)))
        try folder.write("b-whole.xml.bz2", whole)
        let output = folder.path + "/out"
        let writer = try DocumentShardWriter(folder: output, compression: .none)
        let report = try IngestRun(reader: WikiDumpReader(), policy: .skip).run(inputs: [folder.path], writer: writer)
        try writer.finish()
        #expect(report.documents == 2)
        #expect(report.counters["files_failed"] == 1)
        #expect(report.problems.contains { $0.file.hasSuffix("a-cut.xml.bz2") && $0.message.contains("truncated bzip2") })
        let written = try DocumentReading.readAll(path: writer.files[0])
        #expect(written.map(\.id) == ["zh_yuewiki/1", "zh_yuewiki/6"])
    }

    @Test func dumpEndingInsideAPageIsAMalformedPage() throws {
        let folder = try TemporaryFolder()
        let cut = Self.header + Self.pages[0] + "  <page>\n    <title>半頁</title>\n    <ns>0</ns>"
        let file = try folder.write("cut.xml", cut)
        let (documents, report) = try WikiDumpReader().documents(file: file, policy: .skip)
        #expect(documents.count == 1)
        #expect(report.problems.first?.message.contains("半頁") == true)
        #expect(report.problems.first?.message.contains("ends inside") == true)
    }
}
