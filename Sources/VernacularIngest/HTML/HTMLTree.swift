/// A forgiving HTML parser for saved pages: it never fails. Unclosed tags close at their
/// parent's end, stray end tags are ignored, `<p>` and `<li>` close implicitly as browsers do,
/// and script, style and textarea content is raw text.
final class HTMLElement {
    let name: String
    let attributes: [String: String]
    var children: [HTMLNode] = []
    weak var parent: HTMLElement?

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    /// All descendant elements, depth first.
    func descendants(_ body: (HTMLElement) -> Void) {
        for child in children {
            if case .element(let element) = child {
                body(element)
                element.descendants(body)
            }
        }
    }

    /// The element's text with whitespace collapsed.
    var text: String {
        var out = ""
        appendText(to: &out)
        return out.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    private func appendText(to out: inout String) {
        for child in children {
            switch child {
            case .text(let text): out += text
            case .element(let element):
                if element.name != "script", element.name != "style" {
                    out += " "
                    element.appendText(to: &out)
                }
            }
        }
    }
}

enum HTMLNode {
    case element(HTMLElement)
    case text(String)
}

enum HTMLParser {
    static let voidElements: Set<String> = [
        "br", "img", "meta", "link", "hr", "input", "area", "base", "col", "embed", "source", "track", "wbr", "param",
    ]
    static let rawTextElements: Set<String> = ["script", "style", "textarea", "noscript", "template", "svg"]
    /// Starting one of these closes an open `<p>`.
    static let closesParagraph: Set<String> = [
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "section", "article", "aside", "nav",
        "header", "footer", "blockquote", "pre", "form", "figure", "main", "dl", "hr", "address", "details",
    ]

    static func parse(_ html: String) -> HTMLElement {
        let bytes = Array(html.utf8)
        let root = HTMLElement(name: "#document", attributes: [:])
        var stack: [HTMLElement] = [root]
        var index = 0
        var textStart = 0

        func flushText(_ end: Int) {
            guard end > textStart else { return }
            let text = HTMLEntities.decode(String(decoding: bytes[textStart..<end], as: UTF8.self))
            stack.last!.children.append(.text(text))
        }
        func close(_ name: String) {
            guard let position = stack.lastIndex(where: { $0.name == name }), position > 0 else { return }
            stack.removeSubrange(position...)
        }

        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "<"), index + 1 < bytes.count else { index += 1; continue }
            let next = bytes[index + 1]
            if next == UInt8(ascii: "!") || next == UInt8(ascii: "?") {
                flushText(index)
                if starts(bytes, index, "<!--") {
                    index = find(bytes, "-->", from: index + 4).map { $0 + 3 } ?? bytes.count
                } else {
                    index = (bytes[index...].firstIndex(of: UInt8(ascii: ">")) ?? bytes.count - 1) + 1
                }
                textStart = index
                continue
            }
            let isEnd = next == UInt8(ascii: "/")
            var position = index + (isEnd ? 2 : 1)
            let nameStart = position
            while position < bytes.count, isASCIILetterOrDigit(bytes[position]) || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard position > nameStart, isASCIILetter(bytes[nameStart]) else { index += 1; continue }
            let name = String(decoding: bytes[nameStart..<position], as: UTF8.self).lowercased()
            guard let tagEnd = tagEnd(bytes, from: position) else { index += 1; continue }
            flushText(index)
            index = tagEnd + 1
            textStart = index
            if isEnd {
                close(name)
                continue
            }
            let attributes = parseAttributes(bytes[position..<tagEnd])
            let selfClosing = bytes[tagEnd - 1] == UInt8(ascii: "/")
            if closesParagraph.contains(name), stack.last?.name == "p" { stack.removeLast() }
            if name == "li", let open = stack.lastIndex(where: { $0.name == "li" || $0.name == "ul" || $0.name == "ol" }),
               stack[open].name == "li" { stack.removeSubrange(open...) }
            let element = HTMLElement(name: name, attributes: attributes)
            element.parent = stack.last
            stack.last!.children.append(.element(element))
            if voidElements.contains(name) || selfClosing { continue }
            if rawTextElements.contains(name) {
                // Raw text runs to the matching end tag, whatever it contains.
                let closing = findCaseInsensitive(bytes, "</" + name, from: index) ?? bytes.count
                if name == "textarea" || name == "noscript" {
                    element.children.append(.text(String(decoding: bytes[index..<closing], as: UTF8.self)))
                }
                index = closing < bytes.count ? ((bytes[closing...].firstIndex(of: UInt8(ascii: ">")) ?? bytes.count - 1) + 1) : bytes.count
                textStart = index
                continue
            }
            stack.append(element)
        }
        flushText(bytes.count)
        return root
    }

    /// The `>` ending a tag, skipping quoted attribute values.
    static func tagEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        var quote: UInt8?
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: ">") {
                return index
            }
            index += 1
        }
        return nil
    }

    static func parseAttributes(_ bytes: ArraySlice<UInt8>) -> [String: String] {
        var attributes: [String: String] = [:]
        var index = bytes.startIndex
        while index < bytes.endIndex {
            while index < bytes.endIndex, isSpace(bytes[index]) || bytes[index] == UInt8(ascii: "/") { index += 1 }
            let nameStart = index
            while index < bytes.endIndex, !isSpace(bytes[index]), bytes[index] != UInt8(ascii: "="),
                  bytes[index] != UInt8(ascii: "/") { index += 1 }
            guard index > nameStart else { break }
            let name = String(decoding: bytes[nameStart..<index], as: UTF8.self).lowercased()
            while index < bytes.endIndex, isSpace(bytes[index]) { index += 1 }
            var value = ""
            if index < bytes.endIndex, bytes[index] == UInt8(ascii: "=") {
                index += 1
                while index < bytes.endIndex, isSpace(bytes[index]) { index += 1 }
                if index < bytes.endIndex, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") {
                    let quote = bytes[index]
                    let valueStart = index + 1
                    index = valueStart
                    while index < bytes.endIndex, bytes[index] != quote { index += 1 }
                    value = String(decoding: bytes[valueStart..<index], as: UTF8.self)
                    index += 1
                } else {
                    let valueStart = index
                    while index < bytes.endIndex, !isSpace(bytes[index]) { index += 1 }
                    value = String(decoding: bytes[valueStart..<index], as: UTF8.self)
                }
            }
            attributes[name] = HTMLEntities.decode(value)
        }
        return attributes
    }

    static func findCaseInsensitive(_ bytes: [UInt8], _ needle: String, from: Int) -> Int? {
        let pattern = Array(needle.lowercased().utf8)
        var index = from
        while index + pattern.count <= bytes.count {
            var matched = true
            for offset in 0..<pattern.count {
                var byte = bytes[index + offset]
                if byte >= 0x41, byte <= 0x5A { byte += 0x20 }
                if byte != pattern[offset] { matched = false; break }
            }
            if matched { return index }
            index += 1
        }
        return nil
    }
}

@inline(__always) func isASCIILetter(_ byte: UInt8) -> Bool {
    (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
}
