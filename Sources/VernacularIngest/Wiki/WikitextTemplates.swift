import Foundation

/// Templates, without expanding them from their definitions (a dump has no rendered HTML):
/// - infoboxes become one `key: value` line per non-empty field, except image, map and layout
///   fields;
/// - navigation, maintenance, citation, hatnote and sister-project templates, parser functions
///   and magic words are dropped;
/// - disambiguation templates are dropped and flag the page;
/// - a few inline templates whose output is known (`lang`, `lang-xx`, `le`, `convert`, `nowrap`,
///   `!`, ...) render what they show;
/// - any other template keeps its positional arguments, rendered, joined by a space; its named
///   arguments (settings, dates of tags) are dropped. So text passed to an unknown wrapper is
///   kept, and `{{` `}}` never reach the output.
extension WikitextConverter {
    /// Lower-cased template names, or prefixes, that carry no article text.
    static let droppedNames: Set<String> = [
        "reflist", "references", "notelist", "refbegin", "refend", "main", "main article", "see also", "seealso",
        "further", "details", "about", "for", "other uses", "otheruses", "distinguish", "redirect", "hatnote",
        "portal", "portal bar", "commons", "commonscat", "commons category", "wikiquote", "wiktionary", "sister project",
        "authority control", "normdaten", "noteta", "coord", "coor", "toc", "toc right", "toclimit", "clear", "clr",
        "-", "cn", "citation needed", "fact", "來源請求", "需要來源", "refimprove", "unreferenced", "orphan",
        "multiple issues", "cleanup", "copyedit", "pov", "wikify", "expand", "update", "inuse", "dead link",
        "webarchive", "efn", "sfn", "r", "rp", "harvnb", "refn", "audio", "listen", "multiple image", "gallery",
        "參見", "参见", "另見", "另见", "主條目", "主条目", "詳見", "详见", "主", "reflist-talk", "defaultsort",
        "good article", "featured article", "pp", "pp-protected", "short description", "italic title",
        "use dmy dates", "use mdy dates", "anchor", "spoken wikipedia", "wikisource", "lang-name", "blank",
        "col-begin", "col-break", "col-end", "div col", "div col end", "flagicon", "flag", "smallsup",
    ]
    static let droppedPrefixes: [String] = [
        "cite", "citation", "navbox", "nav ", "sidebar", "portal", "commons", "authority", "webarchive", "pp-",
        "use ", "stub", "小作品", "ref ", "template:", "user", "翻譯", "翻译", "split", "merge", "delete",
        "db-", "afd", "rfd", "copyvio", "vfd", "sock", "talk", "archive",
    ]
    static let droppedSubstrings: [[UInt8]] = [
        "navbox", "sidebar", "footer", "stub", "導航", "导航", "小作品", "succession", "s-start", "s-end",
    ].map { Array($0.utf8) }
    static let disambiguationNames: Set<String> = [
        "disambig", "disambiguation", "dab", "dis", "消歧義", "消歧义", "搞清楚", "hndis", "geodis", "二義",
        "二义", "disambig-cleanup", "surname", "人名消歧義", "地名消歧義", "msgdab",
    ]
    /// Magic variables (`{{PAGENAME}}`, `{{CURRENTYEAR}}`): their value is the page's or the
    /// server's, not text; dropped.
    static let magicVariables: Set<String> = [
        "PAGENAME", "FULLPAGENAME", "BASEPAGENAME", "SUBPAGENAME", "NAMESPACE", "CURRENTYEAR", "CURRENTMONTH",
        "CURRENTDAY", "CURRENTTIME", "SITENAME", "NUMBEROFARTICLES", "REVISIONYEAR", "PAGESIZE",
    ]

    func renderTemplate(_ inner: Range<Int>, into out: inout [UInt8]) {
        let parts = splitTopLevel(inner, separator: UInt8(ascii: "|"))
        let rawRange = trimmed(parts[0])
        // Parser functions (`{{#if:...}}`, `{{#invoke:...}}`) and magic words with a colon
        // (`{{DEFAULTSORT:...}}`, `{{lc:...}}`) compute from context we do not have.
        if source[rawRange].first == UInt8(ascii: "#") || Self.magicVariables.contains(string(rawRange)) { return }
        if let colon = source[rawRange].firstIndex(of: UInt8(ascii: ":")) {
            let prefix = asciiLowercased(source[rawRange.lowerBound..<colon])
            if !Self.namespacePrefixes.contains(where: { $0.elementsEqual(prefix) }) { return }
        }
        let name = Self.normalizedName(source[rawRange])
        if name.isEmpty { return }

        var positional: [Range<Int>] = []
        var named: [(key: String, value: Range<Int>)] = []
        for part in parts.dropFirst() {
            if let equals = topLevelIndex(of: UInt8(ascii: "="), in: part) {
                let key = string(trimmed(part.lowerBound..<equals))
                if let number = Int(key), number >= 1 {
                    while positional.count < number - 1 { positional.append(part.lowerBound..<part.lowerBound) }
                    if positional.count == number - 1 { positional.append((equals + 1)..<part.upperBound) }
                } else {
                    named.append((key, (equals + 1)..<part.upperBound))
                }
            } else {
                positional.append(part)
            }
        }

        if Self.disambiguationNames.contains(name) {
            isDisambiguation = true
            return
        }
        if Self.isInfobox(name) {
            renderInfobox(named, into: &out)
            return
        }
        if Self.droppedNames.contains(name) || Self.droppedPrefixes.contains(where: { name.hasPrefix($0) }) { return }
        let nameBytes = Array(name.utf8)
        if Self.droppedSubstrings.contains(where: { bytesContain(nameBytes, $0) }) { return }
        if renderKnownInline(name, positional: positional, named: named, into: &out) { return }

        var first = true
        for argument in positional {
            let mark = out.count
            if !first { out.append(UInt8(ascii: " ")) }
            if appendOneLine(argument, separator: Self.space, into: &out) {
                first = false
            } else {
                out.removeSubrange(mark...)
            }
        }
    }

    /// `Template:Infobox_city` -> `infobox city`: prefix dropped, underscores and runs of spaces
    /// made one space, ASCII lower-cased.
    static func normalizedName(_ raw: String) -> String {
        var raw = raw
        return raw.withUTF8 { normalizedName($0[...]) }
    }

    /// Prefixes before a colon that still name a template (not a parser function or magic word).
    static let namespacePrefixes: [[UInt8]] = ["template", "模", "模板", "subst", "safesubst", "msgnw"].map { Array($0.utf8) }
    /// Dropped from the front of a name, tried in this order.
    static let namePrefixes: [[UInt8]] = ["Template:", "template:", "模:", "模板:", "subst:", "safesubst:", "Subst:"]
        .map { Array($0.utf8) }

    /// The same on the name's bytes, as it stands in the page.
    static func normalizedName(_ raw: Slice<UnsafeBufferPointer<UInt8>>) -> String {
        var name = raw
        for prefix in namePrefixes where name.starts(with: prefix) {
            name = name.dropFirst(prefix.count)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(name.count)
        for byte in name {
            let folded: UInt8 = byte == UInt8(ascii: "_") ? UInt8(ascii: " ") : (byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte)
            if folded == UInt8(ascii: " "), bytes.last == UInt8(ascii: " ") || bytes.isEmpty { continue }
            bytes.append(folded)
        }
        while bytes.last == UInt8(ascii: " ") { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func isInfobox(_ name: String) -> Bool {
        name.hasPrefix("infobox") || name.hasSuffix("infobox") || name.hasPrefix("資訊框") || name.hasPrefix("信息框")
            || name.hasPrefix("资讯框") || name.hasPrefix("資料框") || name == "taxobox" || name == "automatic taxobox"
            || name.hasPrefix("speciesbox") || name.hasSuffix("資訊框") || name.hasSuffix("信息框")
    }

    /// Words in field names that hold pictures, maps or layout, not facts.
    static let layoutWords: [[UInt8]] = [
        "image", "logo", "map", "signature", "caption", "alt", "width", "size", "pushpin", "coordinates", "flag", "seal",
        "symbol", "banner", "圖", "图", "相", "module", "embed", "child", "bodystyle", "style", "color", "colour",
        "footnotes",
    ].map { Array($0.utf8) }

    static func isLayoutField(_ key: String) -> Bool {
        let lower = asciiLowercased(key.utf8)
        return layoutWords.contains { bytesContain(lower, $0) }
    }

    /// One `key: value` line per field that has text; fields that are a file name are skipped.
    func renderInfobox(_ fields: [(key: String, value: Range<Int>)], into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\n"))
        for field in fields where !field.key.isEmpty && !Self.isLayoutField(field.key) {
            let mark = out.count
            out.append(contentsOf: field.key.utf8)
            out.append(contentsOf: ": ".utf8)
            let valueStart = out.count
            guard appendOneLine(field.value, separator: valueSeparator, into: &out),
                  !Self.looksLikeFileName(out[valueStart...]) else {
                out.removeSubrange(mark...)
                continue
            }
            out.append(UInt8(ascii: "\n"))
        }
    }

    static let fileSuffixes: [[UInt8]] = [".jpg", ".jpeg", ".png", ".svg", ".gif", ".tif", ".tiff", ".webp", ".ogg", ".webm"]
        .map { Array($0.utf8) }

    static func looksLikeFileName(_ value: ArraySlice<UInt8>) -> Bool {
        let lower = asciiLowercased(value)
        if lower.starts(with: Array("file:".utf8)) { return true }
        guard !lower.contains(UInt8(ascii: " ")) else { return false }
        return fileSuffixes.contains { lower.count >= $0.count && Array(lower.suffix($0.count)) == $0 }
    }

    /// Templates whose displayed text is known. Returns false for any other name.
    func renderKnownInline(_ name: String, positional: [Range<Int>], named: [(key: String, value: Range<Int>)],
                           into out: inout [UInt8]) -> Bool {
        func emit(_ range: Range<Int>?) {
            if let range { appendOneLine(range, separator: Self.space, into: &out) }
        }
        func namedValue(_ key: String) -> Range<Int>? { named.first { $0.key == key }?.value }
        switch name {
        case "!": out.append(UInt8(ascii: "|"))
        case "!!": out.append(contentsOf: "||".utf8)
        case "=": out.append(UInt8(ascii: "="))
        case "·", "dot", "middot", "•", "bull": out.append(contentsOf: "·".utf8)
        case "nbsp", "sp", "spaces", " ": out.append(UInt8(ascii: " "))
        case "ndash", "en dash", "snd": out.append(contentsOf: "–".utf8)
        case "mdash", "em dash": out.append(contentsOf: "—".utf8)
        case "lang", "lang-x", "transl", "transliteration":
            emit(positional.last)
        case "le", "link-en", "link-ja", "link-de", "link-fr", "ill", "interlanguage link", "interlanguage link multi":
            emit(positional.first)
        case "tsl":
            emit(positional.count >= 3 ? positional[2] : positional.dropFirst().first)
        case "convert", "cvt":
            if let value = positional.first { emit(value) }
            if positional.count > 1 {
                out.append(UInt8(ascii: " "))
                emit(positional[1])
            }
        case "zh", "zh-full", "chinese", "中文":
            emit(namedValue("t") ?? namedValue("s") ?? namedValue("c") ?? positional.first)
        case "resize", "font color", "color", "colour", "tooltip", "abbr":
            emit(name == "tooltip" || name == "abbr" ? positional.first : positional.last)
        case "font":
            emit(namedValue("text") ?? positional.first)
        case "birth date", "death date", "birth date and age", "death date and age", "start date", "end date", "dts",
             "出生日期", "死亡日期", "出生日期和年齡", "死亡日期和年齡":
            let numbers = positional.prefix(3).map { string(trimmed($0)) }.filter { Int($0) != nil }
            out.append(contentsOf: numbers.joined(separator: "-").utf8)
        default:
            if name.hasPrefix("lang-") {
                emit(positional.first)
                return true
            }
            return false
        }
        return true
    }
}
