/// The first pass over wikitext: removes what no reader sees (comments, `<ref>` bodies,
/// galleries, maths, code listings, behaviour switches like `__NOTOC__`), drops the remaining
/// HTML tags while keeping their text, and protects `<nowiki>`/`<pre>` content from the markup
/// passes by moving its punctuation into a private-use range that `WikitextRenderer` maps back.
enum WikitextPreprocessor {
    /// Tags removed together with everything inside them. Maths and chemistry are dropped rather
    /// than kept as TeX source: TeX is not text in the page's language.
    static let droppedWithContent: Set<String> = [
        "ref", "references", "gallery", "math", "chem", "ce", "score", "timeline", "graph", "templatedata",
        "syntaxhighlight", "source", "mapframe", "maplink", "imagemap", "categorytree", "inputbox", "hiero",
        "templatestyles", "indicator", "charinsert", "includeonly", "rt", "rp", "style", "script",
    ]
    /// Tags whose content is shown as written, markup and all.
    static let literal: Set<String> = ["nowiki", "pre"]
    /// Tags that start a new line where they stand.
    static let lineBreaking: Set<String> = [
        "br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "dd", "dt", "ul", "ol",
        "table", "caption", "poem", "hr", "center",
    ]
    /// Other HTML tags MediaWiki allows: the tag goes, its text stays.
    static let kept: Set<String> = [
        "span", "small", "big", "sup", "sub", "u", "s", "del", "ins", "strike", "font", "abbr", "b", "i", "em",
        "strong", "code", "tt", "cite", "q", "var", "kbd", "samp", "mark", "bdi", "bdo", "ruby", "rb", "noinclude",
        "onlyinclude", "td", "th", "tbody", "thead", "tfoot", "dl", "wbr", "time", "data", "section", "translate",
        "languages", "abbr", "dfn", "s", "span",
    ]

    /// Private-use base for protected punctuation (U+E000 + the ASCII byte).
    static let protectedBase: UInt32 = 0xE000

    static func run(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        var index = 0
        let count = input.count
        while index < count {
            let byte = input[index]
            if byte == UInt8(ascii: "_"), index + 4 < count, input[index + 1] == UInt8(ascii: "_"),
               let end = behaviourSwitchEnd(input, index) {
                index = end
                continue
            }
            guard byte == UInt8(ascii: "<") else {
                // Text up to the next tag or behaviour switch, copied at once.
                var end = index + 1
                while end < count, input[end] != UInt8(ascii: "<"), input[end] != UInt8(ascii: "_") { end += 1 }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: input[index..<end]))
                index = end
                continue
            }
            if starts(input, index, "<!--") {
                index = find(input, "-->", from: index + 4).map { $0 + 3 } ?? count
                continue
            }
            guard let tag = parseTag(input, index) else {
                out.append(byte)
                index += 1
                continue
            }
            if droppedWithContent.contains(tag.name) {
                if tag.isEnd || tag.selfClosing {
                    index = tag.end
                } else if let close = findClosing(input, tag.name, from: tag.end) {
                    index = close
                } else {
                    index = tag.end
                }
            } else if literal.contains(tag.name) {
                if tag.isEnd || tag.selfClosing {
                    index = tag.end
                    continue
                }
                let closeStart = findClosingStart(input, tag.name, from: tag.end) ?? count
                protect(input[tag.end..<closeStart], into: &out)
                index = findClosing(input, tag.name, from: tag.end) ?? count
            } else if lineBreaking.contains(tag.name) {
                out.append(UInt8(ascii: "\n"))
                index = tag.end
            } else if kept.contains(tag.name) {
                index = tag.end
            } else {
                out.append(byte)
                index += 1
            }
        }
        return out
    }

    struct Tag {
        var name: String
        var isEnd: Bool
        var selfClosing: Bool
        /// Index after the closing `>`.
        var end: Int
    }

    /// Reads `<name ...>`, `</name>` or `<name/>` at `index`; nil when it is not a tag (`a < b`).
    static func parseTag(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> Tag? {
        var position = index + 1
        let isEnd = position < bytes.count && bytes[position] == UInt8(ascii: "/")
        if isEnd { position += 1 }
        let nameStart = position
        while position < bytes.count, isASCIILetterOrDigit(bytes[position]) { position += 1 }
        guard position > nameStart, position - nameStart < 20 else { return nil }
        let name = String(decoding: bytes[nameStart..<position], as: UTF8.self).lowercased()
        guard let first = name.utf8.first, first >= UInt8(ascii: "a"), first <= UInt8(ascii: "z") else { return nil }
        guard position < bytes.count,
              bytes[position] == UInt8(ascii: ">") || bytes[position] == UInt8(ascii: "/") || isSpace(bytes[position])
        else { return nil }
        // Attributes run to the next `>` on the same tag; a `<` first means this was not a tag.
        var end = position
        while end < bytes.count, bytes[end] != UInt8(ascii: ">") {
            if bytes[end] == UInt8(ascii: "<") || end - position > 2000 { return nil }
            end += 1
        }
        guard end < bytes.count else { return nil }
        let selfClosing = bytes[end - 1] == UInt8(ascii: "/")
        guard droppedWithContent.contains(name) || literal.contains(name) || lineBreaking.contains(name)
                || kept.contains(name) else { return nil }
        return Tag(name: name, isEnd: isEnd, selfClosing: selfClosing, end: end + 1)
    }

    /// Index after `</name>` (any case, spaces allowed before `>`), searching from `from`.
    static func findClosing(_ bytes: UnsafeBufferPointer<UInt8>, _ name: String, from: Int) -> Int? {
        guard let start = findClosingStart(bytes, name, from: from) else { return nil }
        var end = start
        while end < bytes.count, bytes[end] != UInt8(ascii: ">") { end += 1 }
        return min(bytes.count, end + 1)
    }

    static func findClosingStart(_ bytes: UnsafeBufferPointer<UInt8>, _ name: String, from: Int) -> Int? {
        var position = from
        while let found = find(bytes, "</", from: position) {
            if let tag = parseTag(bytes, found), tag.isEnd, tag.name == name { return found }
            position = found + 2
        }
        return nil
    }

    /// `__NOTOC__`, `__目錄__`: two underscores, a word, two underscores.
    static func behaviourSwitchEnd(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> Int? {
        var position = index + 2
        while position < bytes.count, position - index < 40,
              bytes[position] != UInt8(ascii: "_"), bytes[position] != UInt8(ascii: "\n"),
              bytes[position] != UInt8(ascii: " ") { position += 1 }
        guard position > index + 2, position + 1 < bytes.count, bytes[position] == UInt8(ascii: "_"),
              bytes[position + 1] == UInt8(ascii: "_") else { return nil }
        let word = String(decoding: bytes[(index + 2)..<position], as: UTF8.self)
        guard word == word.uppercased() || word.unicodeScalars.allSatisfy({ $0.value > 0x2E80 }) else { return nil }
        return position + 2
    }

    /// Copies literal text with its entities decoded and its ASCII punctuation moved to the
    /// private-use range, so no later pass reads it as markup.
    static func protect(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, into out: inout [UInt8]) {
        let decoded = HTMLEntities.decode(Array(bytes))
        for byte in decoded {
            if byte < 0x80, byte > 0x20, !isASCIILetterOrDigit(byte) {
                let value = protectedBase + UInt32(byte)
                out.append(UInt8(0xE0 | (value >> 12)))
                out.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
                out.append(UInt8(0x80 | (value & 0x3F)))
            } else {
                out.append(byte)
            }
        }
    }

    /// Maps protected punctuation back to ASCII.
    static func unprotect(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0xEE, index + 2 < bytes.count, bytes[index + 1] & 0xFE == 0x80 {
                let value = (UInt32(bytes[index] & 0x0F) << 12) | (UInt32(bytes[index + 1] & 0x3F) << 6)
                    | UInt32(bytes[index + 2] & 0x3F)
                out.append(UInt8(value - protectedBase))
                index += 3
                continue
            }
            out.append(bytes[index])
            index += 1
        }
        return out
    }
}

@inline(__always) func isASCIILetterOrDigit(_ byte: UInt8) -> Bool {
    (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
}

@inline(__always) func isSpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
}

/// Whether `pattern` occurs in `bytes` at `index`.
@inline(__always) func starts(_ bytes: [UInt8], _ index: Int, _ pattern: StaticString) -> Bool {
    let count = pattern.utf8CodeUnitCount
    guard index + count <= bytes.count else { return false }
    let base = pattern.utf8Start
    for offset in 0..<count where bytes[index + offset] != base[offset] { return false }
    return true
}

/// Whether `pattern` occurs in `bytes` at `index`.
@inline(__always) func starts(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int, _ pattern: StaticString) -> Bool {
    let count = pattern.utf8CodeUnitCount
    guard index >= 0, index + count <= bytes.count else { return false }
    let base = pattern.utf8Start
    for offset in 0..<count where bytes[index + offset] != base[offset] { return false }
    return true
}

/// First index of `pattern` at or after `from`.
func find(_ bytes: [UInt8], _ pattern: StaticString, from: Int) -> Int? {
    let count = pattern.utf8CodeUnitCount
    let first = pattern.utf8Start[0]
    var index = from
    while index + count <= bytes.count {
        if bytes[index] == first, starts(bytes, index, pattern) { return index }
        index += 1
    }
    return nil
}

/// First index of `pattern` at or after `from`.
func find(_ bytes: UnsafeBufferPointer<UInt8>, _ pattern: StaticString, from: Int) -> Int? {
    let count = pattern.utf8CodeUnitCount
    let first = pattern.utf8Start[0]
    var index = from
    while index + count <= bytes.count {
        if bytes[index] == first, starts(bytes, index, pattern) { return index }
        index += 1
    }
    return nil
}

/// Whether `needle` occurs in `haystack`, on bytes (Foundation's `contains` goes through
/// NSString and dominated profiles of the renderer).
func bytesContain(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    guard !needle.isEmpty, haystack.count >= needle.count else { return needle.isEmpty }
    let first = needle[0]
    var index = 0
    let last = haystack.count - needle.count
    while index <= last {
        if haystack[index] == first {
            var offset = 1
            while offset < needle.count, haystack[index + offset] == needle[offset] { offset += 1 }
            if offset == needle.count { return true }
        }
        index += 1
    }
    return false
}

/// ASCII lower-casing on bytes; other scripts have no case to fold here.
func asciiLowercased(_ bytes: some Collection<UInt8>) -> [UInt8] {
    bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
}
