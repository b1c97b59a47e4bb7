/// Reads the fields of one `<page>...</page>` element. This is the dump's fixed subset of XML:
/// elements, attributes, the five entities, comments; no DTDs, no CDATA. Every start tag must be
/// closed by its own end tag inside the page, or the page is malformed.
enum DumpPageParser {
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(MalformedPage) -> DumpPage {
        var page = DumpPage()
        var stack: [String] = []
        var textStart = 0
        var index = 0
        let count = bytes.count
        var value: [UInt8] = []

        func fail(_ message: String) -> MalformedPage {
            MalformedPage(title: page.title.isEmpty ? titleGuess(bytes) : page.title, message: message)
        }

        while index < count {
            guard bytes[index] == UInt8(ascii: "<") else { index += 1; continue }
            // A tag: first take the text before it as the content of the element on top.
            let contentEnd = index
            if index + 3 < count, bytes[index + 1] == UInt8(ascii: "!"), bytes[index + 2] == UInt8(ascii: "-") {
                guard let close = find(bytes, "-->", from: index + 4) else { throw fail("a comment is not closed") }
                index = close + 3
                continue
            }
            guard let tagEnd = find(bytes, ">", from: index + 1) else { throw fail("a tag is not closed") }
            let isEnd = bytes[index + 1] == UInt8(ascii: "/")
            let selfClosing = bytes[tagEnd - 1] == UInt8(ascii: "/")
            var nameEnd = index + (isEnd ? 2 : 1)
            while nameEnd < tagEnd, !isSpace(bytes[nameEnd]), bytes[nameEnd] != UInt8(ascii: "/") { nameEnd += 1 }
            let name = String(decoding: bytes[(index + (isEnd ? 2 : 1))..<nameEnd], as: UTF8.self)
            if isEnd {
                guard let open = stack.last else { throw fail("</\(name)> closes nothing") }
                guard open == name else { throw fail("</\(name)> where </\(open)> was expected") }
                // Only the few wanted leaf elements pay for building their path.
                let path = Self.leafNames.contains(name) ? stack.joined(separator: "/") : ""
                if !path.isEmpty, wanted(path) {
                    value.removeAll(keepingCapacity: true)
                    do {
                        try XMLEntities.decode(UnsafeBufferPointer(rebasing: bytes[textStart..<contentEnd]), into: &value)
                    } catch { throw fail("bad entity \(error.text) in <\(name)>") }
                    store(String(decoding: value, as: UTF8.self), path: path, in: &page)
                }
                stack.removeLast()
            } else {
                if name == "redirect", stack == ["page"] {
                    let attributes = bytes[nameEnd..<tagEnd]
                    value.removeAll(keepingCapacity: true)
                    if let target = attribute("title", in: UnsafeBufferPointer(rebasing: attributes)) {
                        do {
                            try XMLEntities.decode(target, into: &value)
                        } catch { throw fail("bad entity \(error.text) in the redirect title") }
                    }
                    page.redirectTarget = String(decoding: value, as: UTF8.self)
                }
                if !selfClosing {
                    stack.append(name)
                    textStart = tagEnd + 1
                }
            }
            index = tagEnd + 1
        }
        guard stack.isEmpty else { throw fail("<\(stack.last!)> is not closed before the page ends") }
        guard !page.title.isEmpty else { throw fail("no <title>") }
        return page
    }

    private static let leafNames: Set<String> = ["title", "ns", "id", "timestamp", "text"]

    private static func wanted(_ path: String) -> Bool {
        switch path {
        case "page/title", "page/ns", "page/id", "page/revision/id", "page/revision/timestamp", "page/revision/text":
            return true
        default:
            return false
        }
    }

    private static func store(_ value: String, path: String, in page: inout DumpPage) {
        switch path {
        case "page/title": page.title = value
        case "page/ns": page.namespace = Int(value) ?? 0
        case "page/id": page.id = value
        case "page/revision/id": page.revisionID = value
        case "page/revision/timestamp": page.timestamp = value
        case "page/revision/text": page.text = value
        default: break
        }
    }

    /// The title of a page too broken to parse, for naming it in the problem report.
    static func titleGuess(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard let open = find(bytes, "<title>", from: 0), let close = find(bytes, "</title>", from: open + 7) else { return nil }
        return String(decoding: bytes[(open + 7)..<close], as: UTF8.self)
    }

    private static func attribute(_ name: String, in bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        guard let at = find(bytes, name + "=\"", from: 0) else { return nil }
        let start = at + name.utf8.count + 2
        guard let end = find(bytes, "\"", from: start) else { return nil }
        return UnsafeBufferPointer(rebasing: bytes[start..<end])
    }

    @inline(__always) static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D
    }

    /// First index of `needle` in `bytes` at or after `from`: memchr for the first byte, then a
    /// compare (glibc's memmem is not exported to Swift).
    static func find(_ bytes: UnsafeBufferPointer<UInt8>, _ needle: String, from: Int) -> Int? {
        var needle = needle
        return needle.withUTF8 { pattern -> Int? in
            guard let base = bytes.baseAddress, let first = pattern.first else { return nil }
            var position = from
            let last = bytes.count - pattern.count
            while position <= last {
                guard let hit = memchr(base + position, Int32(first), last - position + 1) else { return nil }
                let index = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if memcmp(base + index, pattern.baseAddress!, pattern.count) == 0 { return index }
                position = index + 1
            }
            return nil
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
