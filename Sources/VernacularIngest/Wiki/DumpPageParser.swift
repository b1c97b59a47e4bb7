/// Reads the fields of one `<page>...</page>` element. This is the dump's fixed subset of XML:
/// elements, attributes, the five entities, comments; no DTDs, no CDATA. Every start tag must be
/// closed by its own end tag inside the page, or the page is malformed. The revision's `<text>`
/// is read raw to `</text>`, so markup left unescaped in it stays text.
enum DumpPageParser {
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(MalformedPage) -> DumpPage {
        var page = DumpPage()
        // Open elements, as the byte ranges of their names in `bytes` (no String per tag).
        var stack: [Range<Int>] = []
        var textStart = 0
        var index = 0
        let count = bytes.count
        var value: [UInt8] = []

        func fail(_ message: String) -> MalformedPage {
            MalformedPage(title: page.title.isEmpty ? titleGuess(bytes) : page.title, message: message)
        }
        func name(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
        func isNamed(_ range: Range<Int>, _ expected: StaticString) -> Bool {
            range.count == expected.utf8CodeUnitCount
                && memcmp(bytes.baseAddress! + range.lowerBound, expected.utf8Start, range.count) == 0
        }
        func sameName(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
            a.count == b.count && memcmp(bytes.baseAddress! + a.lowerBound, bytes.baseAddress! + b.lowerBound, a.count) == 0
        }
        /// The field an element closing now fills: page/title, page/ns, page/id,
        /// page/revision/id, page/revision/timestamp, page/revision/text.
        func field(_ leaf: Range<Int>) -> WritableKeyPath<DumpPage, String>? {
            guard let root = stack.first, isNamed(root, "page") else { return nil }
            if stack.count == 2 {
                if isNamed(leaf, "title") { return \.title }
                if isNamed(leaf, "id") { return \.id }
                if isNamed(leaf, "ns") { return \.namespaceText }
            } else if stack.count == 3, isNamed(stack[1], "revision") {
                if isNamed(leaf, "text") { return \.text }
                if isNamed(leaf, "id") { return \.revisionID }
                if isNamed(leaf, "timestamp") { return \.timestamp }
            }
            return nil
        }

        while index < count {
            guard let base = bytes.baseAddress,
                  let hit = memchr(base + index, Int32(UInt8(ascii: "<")), count - index) else { break }
            index = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
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
            let nameStart = index + (isEnd ? 2 : 1)
            var nameEnd = nameStart
            while nameEnd < tagEnd, !isSpace(bytes[nameEnd]), bytes[nameEnd] != UInt8(ascii: "/") { nameEnd += 1 }
            let tagName = nameStart..<nameEnd
            if isEnd {
                guard let open = stack.last else { throw fail("</\(name(tagName))> closes nothing") }
                guard sameName(open, tagName) else {
                    throw fail("</\(name(tagName))> where </\(name(open))> was expected")
                }
                if let field = field(tagName) {
                    value.removeAll(keepingCapacity: true)
                    do {
                        try XMLEntities.decode(UnsafeBufferPointer(rebasing: bytes[textStart..<contentEnd]), into: &value)
                    } catch { throw fail("bad entity \(error.text) in <\(name(tagName))>") }
                    page[keyPath: field] = String(decoding: value, as: UTF8.self)
                }
                stack.removeLast()
            } else {
                if stack.count == 1, isNamed(tagName, "redirect"), isNamed(stack[0], "page") {
                    let attributes = bytes[nameEnd..<tagEnd]
                    value.removeAll(keepingCapacity: true)
                    if let target = attribute("title", in: UnsafeBufferPointer(rebasing: attributes)) {
                        do {
                            try XMLEntities.decode(target, into: &value)
                        } catch { throw fail("bad entity \(error.text) in the redirect title") }
                    }
                    page.redirectTarget = String(decoding: value, as: UTF8.self)
                }
                if !selfClosing, stack.count == 2, isNamed(stack[0], "page"), isNamed(stack[1], "revision"),
                   isNamed(tagName, "text") {
                    // The wikitext is character data to its own end tag. A dump written by hand or
                    // by another tool may hold markup unescaped (`<ref>` rather than `&lt;ref&gt;`):
                    // read as elements, it would end the text at the first one and lose what came
                    // before. Read raw, it is the same text the escaped form decodes to.
                    guard let close = find(bytes, "</text>", from: tagEnd + 1) else {
                        throw fail("<text> is not closed before the page ends")
                    }
                    value.removeAll(keepingCapacity: true)
                    do {
                        try XMLEntities.decode(UnsafeBufferPointer(rebasing: bytes[(tagEnd + 1)..<close]), into: &value)
                    } catch { throw fail("bad entity \(error.text) in <text>") }
                    page.text = String(decoding: value, as: UTF8.self)
                    index = close + "</text>".utf8.count
                    continue
                }
                if !selfClosing {
                    stack.append(tagName)
                    textStart = tagEnd + 1
                }
            }
            index = tagEnd + 1
        }
        guard stack.isEmpty else { throw fail("<\(name(stack.last!))> is not closed before the page ends") }
        guard !page.title.isEmpty else { throw fail("no <title>") }
        return page
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
