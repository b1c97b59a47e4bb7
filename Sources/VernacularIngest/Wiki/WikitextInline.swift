import Foundation

/// Inline markup: templates, links, external links, conversion markup, bold and italic.
extension WikitextConverter {
    /// Namespaces whose links are not text: categories (recorded) and files (dropped, captions
    /// with them, like galleries).
    static let categoryNamespaces: Set<String> = ["category", "分類", "分类", "類別", "类别", "cat"]
    static let fileNamespaces: Set<String> = [
        "file", "image", "media", "檔案", "档案", "文件", "圖像", "图像", "圖片", "图片", "媒體", "媒体", "影像",
    ]
    static let urlSchemes: [StaticString] = ["http://", "https://", "ftp://", "//", "mailto:", "irc://", "news:"]

    func renderInline(_ range: Range<Int>, into out: inout [UInt8]) {
        depth += 1
        defer { depth -= 1 }
        guard depth < 60 else { return }
        var index = range.lowerBound
        let limit = range.upperBound
        while index < limit {
            let byte = source[index]
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: "-"):
                if let kind = construct(at: index), index + 1 < limit {
                    if let end = constructEnd(at: index, limit: limit) {
                        switch kind {
                        case .template: renderTemplate((index + 2)..<(end - 2), into: &out)
                        case .parameter: renderParameter((index + 3)..<(end - 3), into: &out)
                        case .link: renderLink((index + 2)..<(end - 2), into: &out)
                        case .conversion: renderConversion((index + 2)..<(end - 2), into: &out)
                        }
                        index = end
                    } else if kind == .conversion || kind == .link {
                        out.append(byte)
                        index += 1
                    } else {
                        // An unclosed `{{` (a cut-off template) is dropped with the rest of its
                        // line: showing its name and arguments as text would invent content.
                        index += 2
                        while index < limit, source[index] != UInt8(ascii: "\n") { index += 1 }
                    }
                    continue
                }
                if byte == UInt8(ascii: "["), let end = externalLinkEnd(at: index, limit: limit) {
                    renderExternalLink((index + 1)..<(end - 1), into: &out)
                    index = end
                    continue
                }
                out.append(byte)
                index += 1
            case UInt8(ascii: "}"):
                // A stray `}}` (its `{{` was cut off) is dropped.
                if index + 1 < limit, source[index + 1] == UInt8(ascii: "}") {
                    index += 2
                } else {
                    out.append(byte)
                    index += 1
                }
            case UInt8(ascii: "'"):
                var run = 0
                while index + run < limit, source[index + run] == UInt8(ascii: "'") { run += 1 }
                switch run {
                case 1: out.append(byte)
                case 2, 3, 5: break
                case 4: out.append(byte)
                default: out.append(contentsOf: repeatElement(UInt8(ascii: "'"), count: run - 5))
                }
                index += run
            default:
                // Plain text up to the next byte that may start markup, copied at once.
                var end = index + 1
                while end < limit {
                    let next = source[end]
                    if next == UInt8(ascii: "{") || next == UInt8(ascii: "[") || next == UInt8(ascii: "-")
                        || next == UInt8(ascii: "}") || next == UInt8(ascii: "'") { break }
                    end += 1
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: source[index..<end]))
                index = end
            }
        }
    }

    /// `[[target|label]]`: the label, or the target; categories are recorded, files dropped,
    /// interlanguage links dropped. Works on bytes: links are the commonest markup.
    func renderLink(_ inner: Range<Int>, into out: inout [UInt8]) {
        let parts = splitTopLevel(inner, separator: UInt8(ascii: "|"))
        var target = trimmed(parts[0])
        var leadingColon = false
        if !target.isEmpty, source[target.lowerBound] == UInt8(ascii: ":") {
            leadingColon = true
            target = trimmed((target.lowerBound + 1)..<target.upperBound)
        }
        var namespace = ""
        var name = target
        if let colon = source[target].firstIndex(of: UInt8(ascii: ":")) {
            namespace = String(decoding: asciiLowercased(source[trimmed(target.lowerBound..<colon)]), as: UTF8.self)
            name = trimmed((colon + 1)..<target.upperBound)
        }
        let isCategory = Self.categoryNamespaces.contains(namespace)
        let isFile = Self.fileNamespaces.contains(namespace)
        if !leadingColon {
            if isCategory {
                if !name.isEmpty { categories.append(string(name).replacingOccurrences(of: "_", with: " ")) }
                return
            }
            if isFile { return }
            if parts.count == 1, isLanguageCode(namespace) { return }
        } else if (isFile || isCategory), parts.count == 1 {
            // `[[:Category:X]]` is a visible link to the category page: show its name.
            appendTitle(name, into: &out)
            return
        }
        if parts.count > 1 {
            let label = (parts[1].lowerBound)..<(parts.last!.upperBound)
            if trimmed(label).isEmpty {
                // The pipe trick: `[[香港 (城市)|]]` shows `香港`.
                let base = namespace.isEmpty ? target : name
                var end = base.upperBound
                if let paren = source[base].firstIndex(of: UInt8(ascii: "(")) { end = paren }
                if let paren = find(Array(source[base.lowerBound..<end]), "（", from: 0) { end = base.lowerBound + paren }
                appendTitle(trimmed(base.lowerBound..<end), into: &out)
            } else {
                renderInline(label, into: &out)
            }
            return
        }
        // The target may itself hold markup (`[[{{PAGENAME}}]]` is rare); render it.
        if source[target].contains(where: { $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: "'") }) {
            renderInline(target, into: &out)
            return
        }
        var start = target.lowerBound
        if start < target.upperBound, source[start] == UInt8(ascii: "#") { start += 1 }
        appendTitle(start..<target.upperBound, into: &out)
    }

    /// A page title as shown: underscores are spaces.
    private func appendTitle(_ range: Range<Int>, into out: inout [UInt8]) {
        for byte in source[range] { out.append(byte == UInt8(ascii: "_") ? UInt8(ascii: " ") : byte) }
    }

    private func isLanguageCode(_ prefix: String) -> Bool {
        guard (2...12).contains(prefix.utf8.count), prefix != "zh" else { return false }
        return prefix.utf8.allSatisfy { ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || $0 == UInt8(ascii: "-") }
    }

    /// `[http://example.org label]` ends at the first `]` on its line.
    func externalLinkEnd(at index: Int, limit: Int) -> Int? {
        let after = index + 1
        guard Self.urlSchemes.contains(where: { starts(source, after, $0) }) else { return nil }
        var position = after
        while position < limit {
            let byte = source[position]
            if byte == UInt8(ascii: "]") { return position + 1 }
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "[") { return nil }
            position += 1
        }
        return nil
    }

    /// The label of an external link; a bare `[url]` shows nothing useful as text.
    func renderExternalLink(_ inner: Range<Int>, into out: inout [UInt8]) {
        guard let space = source[inner].firstIndex(of: UInt8(ascii: " ")) else { return }
        renderInline((space + 1)..<inner.upperBound, into: &out)
    }

    /// `{{{name|default}}}`: a template parameter left in an article. Its default is shown.
    func renderParameter(_ inner: Range<Int>, into out: inout [UInt8]) {
        let parts = splitTopLevel(inner, separator: UInt8(ascii: "|"))
        if parts.count > 1 { renderInline(parts[1].lowerBound..<parts.last!.upperBound, into: &out) }
    }

    // MARK: Conversion markup

    /// `-{...}-`: MediaWiki's Chinese variant conversion. `-{text}-` shows text unconverted;
    /// `-{zh-hans:甲;zh-hant:乙;}-` shows the configured variant's form (with fallbacks);
    /// flags before `|` change that: `R` raw, `A` show and add a rule, `H`/`-`/`T`/`D` show nothing.
    func renderConversion(_ inner: Range<Int>, into out: inout [UInt8]) {
        var body = inner
        if let pipe = topLevelIndex(of: UInt8(ascii: "|"), in: inner) {
            let flags = source[trimmed(inner.lowerBound..<pipe)]
            let allowed = Array("AHTRDNahtrdn-;".utf8)
            if !flags.isEmpty, flags.count <= 6, flags.allSatisfy({ allowed.contains($0) }) {
                body = (pipe + 1)..<inner.upperBound
                let upper = flags.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }
                if upper.contains(UInt8(ascii: "R")) {
                    renderInline(body, into: &out)
                    return
                }
                if !upper.contains(UInt8(ascii: "A")) { return }
            }
        }
        renderVariant(body, into: &out)
    }

    private func renderVariant(_ body: Range<Int>, into out: inout [UInt8]) {
        var entries: [(code: String, text: Range<Int>)] = []
        for segment in splitTopLevel(body, separator: UInt8(ascii: ";")) {
            if trimmed(segment).isEmpty { continue }
            if let (code, text) = variantRule(segment) {
                entries.append((code, text))
            } else if let last = entries.popLast() {
                // A `;` inside a variant's text, not a new rule.
                entries.append((last.code, last.text.lowerBound..<segment.upperBound))
            } else {
                renderInline(body, into: &out)
                return
            }
        }
        guard !entries.isEmpty else {
            renderInline(body, into: &out)
            return
        }
        for code in variantFallbacks {
            if let entry = entries.first(where: { $0.code == code }) {
                renderInline(entry.text, into: &out)
                return
            }
        }
        renderInline(entries[0].text, into: &out)
    }

    /// `zh-hk:文字` or the one-way form `源=>zh-hk:文字`: the code and the text's range.
    private func variantRule(_ segment: Range<Int>) -> (String, Range<Int>)? {
        var start = segment.lowerBound
        var scan = segment.lowerBound
        while scan + 1 < segment.upperBound {
            if source[scan] == UInt8(ascii: "="), source[scan + 1] == UInt8(ascii: ">") {
                start = scan + 2
                break
            }
            scan += 1
        }
        var position = start
        while position < segment.upperBound, isSpace(source[position]) { position += 1 }
        let codeStart = position
        while position < segment.upperBound, source[position] != UInt8(ascii: ":"), position - codeStart < 10 { position += 1 }
        guard position < segment.upperBound, source[position] == UInt8(ascii: ":") else { return nil }
        let code = String(decoding: asciiLowercased(source[trimmed(codeStart..<position)]), as: UTF8.self)
        guard ConversionVariant.known.contains(code) else { return nil }
        return (code, (position + 1)..<segment.upperBound)
    }
}
