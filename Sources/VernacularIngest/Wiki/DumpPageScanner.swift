#if canImport(Glibc)
import Glibc
#endif
import VernacularCore

/// Cuts a dump's byte stream into `<page>` elements without parsing the rest of the XML, so the
/// dump streams through a buffer the size of its largest page. A page that is not closed before
/// the next `<page>` starts (or before the stream ends) comes out as `.malformed`, and scanning
/// goes on from the next page: one broken page never costs the pages after it.
final class DumpPageScanner {
    enum Item {
        case siteInfo(DumpSiteInfo)
        case page(DumpPage)
        case malformed(MalformedPage)
    }

    private let source: any ByteSource
    private var buffer: [UInt8] = []
    private var start = 0
    private var ended = false
    private var sawSiteInfo = false
    /// A page bigger than this is skipped as malformed instead of growing memory without bound.
    let maximumPageBytes: Int

    init(source: any ByteSource, maximumPageBytes: Int = 256 << 20) {
        self.source = source
        self.maximumPageBytes = maximumPageBytes
    }

    /// The next page (or the site header, or a malformed page); nil at the end of the stream.
    /// Throws only when the source does (a truncated or corrupt archive).
    func next() throws -> Item? {
        if !sawSiteInfo, let info = try siteInfo() { return .siteInfo(info) }
        guard let open = try findOrRead("<page>", from: start) else {
            start = buffer.count
            compact()
            return nil
        }
        // Everything before the page is consumed; indices below stay valid because nothing is
        // compacted again until this page is done.
        start = open
        compact()
        let pageStart = start
        var searchFrom = pageStart + 6
        while true {
            let close = search("</page>", from: searchFrom)
            if let nextOpen = search("<page>", from: searchFrom), close == nil || nextOpen < close! {
                start = nextOpen
                return .malformed(malformedPage(pageStart..<nextOpen, "the page is not closed before the next <page>"))
            }
            if let close {
                let end = close + 7
                start = end
                let result: Result<DumpPage, MalformedPage> = buffer.withUnsafeBufferPointer { bytes in
                    do throws(MalformedPage) {
                        return .success(try DumpPageParser.parse(UnsafeBufferPointer(rebasing: bytes[pageStart..<end])))
                    } catch {
                        return .failure(error)
                    }
                }
                switch result {
                case .success(let page): return .page(page)
                case .failure(let error): return .malformed(error)
                }
            }
            if ended {
                start = buffer.count
                return .malformed(malformedPage(pageStart..<buffer.count, "the dump ends inside this page"))
            }
            if buffer.count - pageStart > maximumPageBytes {
                start = buffer.count
                return .malformed(malformedPage(pageStart..<buffer.count, "the page is larger than \(maximumPageBytes) bytes"))
            }
            // Re-search only the tail that could hold a needle cut by the previous read.
            searchFrom = max(pageStart + 6, buffer.count - 7)
            try readMore()
        }
    }

    private func malformedPage(_ range: Range<Int>, _ message: String) -> MalformedPage {
        let title = buffer.withUnsafeBufferPointer { DumpPageParser.titleGuess(UnsafeBufferPointer(rebasing: $0[range])) }
        return MalformedPage(title: title, message: message)
    }

    /// Reads `<siteinfo>` if it comes before the first page.
    private func siteInfo() throws -> DumpSiteInfo? {
        guard let open = try findOrRead("<siteinfo>", from: start, stopAt: "<page>") else {
            sawSiteInfo = true
            return nil
        }
        guard let close = try findOrRead("</siteinfo>", from: open) else {
            sawSiteInfo = true
            return nil
        }
        sawSiteInfo = true
        let text = String(decoding: buffer[open..<close], as: UTF8.self)
        start = close + 11
        var info = DumpSiteInfo()
        info.dbName = Self.element("dbname", in: text) ?? ""
        if let base = Self.element("base", in: text), let wiki = base.range(of: "/wiki/") {
            info.articleBase = String(base[..<wiki.upperBound])
        }
        return info
    }

    private static func element(_ name: String, in text: String) -> String? {
        guard let open = text.range(of: "<\(name)>"), let close = text.range(of: "</\(name)>", range: open.upperBound..<text.endIndex)
        else { return nil }
        return String(text[open.upperBound..<close.lowerBound])
    }

    /// Finds `needle` at or after `from`, reading more of the stream as needed; nil at the end of
    /// the stream (or once `stopAt` is found first).
    private func findOrRead(_ needle: String, from: Int, stopAt: String? = nil) throws -> Int? {
        var searchFrom = from
        while true {
            if let found = search(needle, from: searchFrom) {
                if let stopAt, let stop = search(stopAt, from: from), stop < found { return nil }
                return found
            }
            if let stopAt, search(stopAt, from: from) != nil { return nil }
            if ended { return nil }
            searchFrom = max(from, buffer.count - needle.utf8.count)
            try readMore()
        }
    }

    private func search(_ needle: String, from: Int) -> Int? {
        buffer.withUnsafeBufferPointer { DumpPageParser.find($0, needle, from: min(from, $0.count)) }
    }

    private func readMore() throws {
        let chunk = 1 << 20
        let oldCount = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: chunk))
        let count = try buffer.withUnsafeMutableBytes { bytes in
            try source.read(into: UnsafeMutableRawBufferPointer(rebasing: bytes[oldCount...]))
        }
        buffer.removeSubrange((oldCount + count)...)
        if count == 0 { ended = true }
    }

    /// Drops consumed bytes once they are a good part of the buffer.
    private func compact() {
        if start > 0, start >= buffer.count / 2 || start > 4 << 20 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
    }
}
