/// What a reader of the rendered page would see, as plain text, plus what the page says about
/// itself (categories, whether it is a disambiguation page).
public struct RenderedWikitext: Sendable, Equatable {
    public var text: String
    public var categories: [String]
    public var isDisambiguation: Bool
}

/// Options for turning wikitext into text.
public struct WikitextOptions: Sendable, Equatable {
    /// Which form of `-{zh-hans:...;zh-hant:...}-` to keep.
    public var variant: ConversionVariant
    /// Between the cells of a table row.
    public var cellSeparator: String
    /// Between the lines of one infobox value (a value split by `<br>` or a list).
    public var valueSeparator: String

    public init(variant: ConversionVariant = .hongKong, cellSeparator: String = "\t", valueSeparator: String = "; ") {
        self.variant = variant
        self.cellSeparator = cellSeparator
        self.valueSeparator = valueSeparator
    }
}

/// Wikitext to text. The output has one line per heading, paragraph, list item, table row
/// (cells separated by a tab; rowspan/colspan content appears once, where it is written),
/// caption and infobox field (`key: value`); blank lines are dropped. Link text, bold and italic
/// text stay; `<ref>`s, comments, categories, files, galleries, maths, navboxes and magic words
/// go. Template rules are in `WikitextTemplates`.
public struct WikitextRenderer: Sendable {
    public let options: WikitextOptions

    public init(options: WikitextOptions = WikitextOptions()) {
        self.options = options
    }

    public func render(_ wikitext: String) -> RenderedWikitext {
        var wikitext = wikitext
        let preprocessed = wikitext.withUTF8 { WikitextPreprocessor.run($0) }
        return preprocessed.withUnsafeBufferPointer { source in
            let converter = WikitextConverter(source: source, options: options)
            var out: [UInt8] = []
            out.reserveCapacity(source.count)
            converter.renderBlocks(0..<source.count, into: &out)
            return RenderedWikitext(text: Self.finish(out), categories: converter.categories,
                                    isDisambiguation: converter.isDisambiguation)
        }
    }

    /// Decodes entities, restores protected punctuation, tidies spaces and drops empty lines,
    /// in one pass over the bytes.
    static func finish(_ bytes: [UInt8]) -> String {
        var decoded = HTMLEntities.decode(bytes)
        if decoded.contains(0xEE) { decoded = WikitextPreprocessor.unprotect(decoded) }
        // The tidied text is never longer than its input plus a final newline, written into a buffer that size.
        return decoded.withUnsafeBufferPointer { input in
            String(unsafeUninitializedCapacity: input.count + 1) { out in
                var count = 0
                var lineStart = 0
                func endLine() {
                    while count > lineStart, out[count - 1] == UInt8(ascii: " ") { count -= 1 }
                    // A line of nothing but cell separators (an empty row) is no line.
                    var position = lineStart
                    while position < count, out[position] == UInt8(ascii: "\t") { position += 1 }
                    if position == count {
                        count = lineStart
                    } else {
                        out[count] = UInt8(ascii: "\n")
                        count += 1
                        lineStart = count
                    }
                }
                for byte in input {
                    switch byte {
                    case UInt8(ascii: "\n"):
                        endLine()
                    case UInt8(ascii: " "), UInt8(ascii: "\r"):
                        if count > lineStart, out[count - 1] != UInt8(ascii: " "), out[count - 1] != UInt8(ascii: "\t") {
                            out[count] = UInt8(ascii: " ")
                            count += 1
                        }
                    case UInt8(ascii: "\t"):
                        if count > lineStart, out[count - 1] == UInt8(ascii: " ") { count -= 1 }
                        out[count] = byte
                        count += 1
                    default:
                        out[count] = byte
                        count += 1
                    }
                }
                endLine()
                if count > 0, out[count - 1] == UInt8(ascii: "\n") { count -= 1 }
                return count
            }
        }
    }
}

/// The per-page state of a conversion: the preprocessed source and what the page declares.
/// The source is a view of bytes the caller keeps alive for the converter's lifetime (the
/// renderer's `withUnsafeBufferPointer`), so the hot loops index it without bounds checks or
/// reference counting.
final class WikitextConverter {
    let source: UnsafeBufferPointer<UInt8>
    let options: WikitextOptions
    /// The options' separators and variant chain, as bytes and codes, looked up once per page.
    let cellSeparator: [UInt8]
    let valueSeparator: [UInt8]
    let variantFallbacks: [String]
    var categories: [String] = []
    var isDisambiguation = false
    /// Guards against pathological nesting (templates in links in templates ...).
    var depth = 0
    /// Buffers for rendering a nested range before it is joined onto one line, reused so a
    /// page's many template arguments and cells do not each allocate one.
    private var scratchBuffers: [[UInt8]] = []

    init(source: UnsafeBufferPointer<UInt8>, options: WikitextOptions) {
        self.source = source
        self.options = options
        cellSeparator = Array(options.cellSeparator.utf8)
        valueSeparator = Array(options.valueSeparator.utf8)
        variantFallbacks = options.variant.fallbacks
    }

    // MARK: Blocks

    /// Renders a range line by line: headings, list items, tables, paragraphs. A "line" here is a
    /// logical line: a template or link that spans several source lines counts as part of one.
    func renderBlocks(_ range: Range<Int>, into out: inout [UInt8]) {
        var index = range.lowerBound
        while index < range.upperBound {
            let line = logicalLine(from: index, limit: range.upperBound)
            var contentStart = line.lowerBound
            while contentStart < line.upperBound, source[contentStart] == UInt8(ascii: " ") { contentStart += 1 }
            if starts(source, contentStart, "{|") {
                let table = tableExtent(from: line.lowerBound, limit: range.upperBound)
                renderTable(table, into: &out)
                index = min(range.upperBound, table.upperBound + 1)
                continue
            }
            renderLine(line, into: &out)
            out.append(UInt8(ascii: "\n"))
            index = line.upperBound + 1
        }
    }

    /// One logical line: heading, list item, rule, or paragraph text.
    private func renderLine(_ line: Range<Int>, into out: inout [UInt8]) {
        guard !line.isEmpty else { return }
        let first = source[line.lowerBound]
        if first == UInt8(ascii: "=") {
            var end = line.upperBound
            while end > line.lowerBound, isSpace(source[end - 1]) { end -= 1 }
            var leading = 0, trailing = 0
            while line.lowerBound + leading < end, source[line.lowerBound + leading] == UInt8(ascii: "=") { leading += 1 }
            while end - trailing > line.lowerBound + leading, source[end - trailing - 1] == UInt8(ascii: "=") { trailing += 1 }
            let level = min(leading, trailing)
            if level > 0 {
                let inner = (line.lowerBound + level)..<(end - level)
                out.append(UInt8(ascii: "\n"))
                renderInline(inner, into: &out)
                out.append(UInt8(ascii: "\n"))
                return
            }
        }
        if first == UInt8(ascii: "*") || first == UInt8(ascii: "#") || first == UInt8(ascii: ":") || first == UInt8(ascii: ";") {
            var start = line.lowerBound
            while start < line.upperBound, [UInt8(ascii: "*"), UInt8(ascii: "#"), UInt8(ascii: ":"), UInt8(ascii: ";")]
                .contains(source[start]) { start += 1 }
            // `; term : definition` on one line: the term, then the definition on its own line.
            if first == UInt8(ascii: ";"), let colon = topLevelIndex(of: UInt8(ascii: ":"), in: start..<line.upperBound) {
                renderInline(start..<colon, into: &out)
                out.append(UInt8(ascii: "\n"))
                renderInline((colon + 1)..<line.upperBound, into: &out)
                return
            }
            renderInline(start..<line.upperBound, into: &out)
            return
        }
        if starts(source, line.lowerBound, "----") { return }
        renderInline(line, into: &out)
    }

    /// From `start` to the next newline that is not inside a template, link or conversion.
    func logicalLine(from start: Int, limit: Int) -> Range<Int> {
        var index = start
        while index < limit {
            let byte = source[index]
            if byte == UInt8(ascii: "\n") { break }
            if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "-"),
               let end = constructEnd(at: index, limit: limit) {
                index = end
                continue
            }
            index += 1
        }
        return start..<min(index, limit)
    }

    // MARK: Constructs

    enum Construct { case template, parameter, link, conversion }

    /// The construct opening at `index`, if any.
    @inline(__always) func construct(at index: Int) -> Construct? {
        guard index + 1 < source.count else { return nil }
        let a = source[index], b = source[index + 1]
        if a == UInt8(ascii: "{"), b == UInt8(ascii: "{") {
            return index + 2 < source.count && source[index + 2] == UInt8(ascii: "{") ? .parameter : .template
        }
        if a == UInt8(ascii: "["), b == UInt8(ascii: "[") { return .link }
        if a == UInt8(ascii: "-"), b == UInt8(ascii: "{") { return .conversion }
        return nil
    }

    /// Index after the construct opening at `index` closes, or nil when it never closes (then
    /// its opener is plain text, or is dropped where it would leave `{{` in the output).
    func constructEnd(at index: Int, limit: Int) -> Int? {
        guard let kind = construct(at: index) else { return nil }
        var position = index + (kind == .parameter ? 3 : 2)
        while position < limit {
            let byte = source[position]
            switch kind {
            case .parameter:
                if byte == UInt8(ascii: "}"), starts(source, position, "}}}") { return position + 3 }
            case .template:
                if byte == UInt8(ascii: "}"), position + 1 < limit, source[position + 1] == UInt8(ascii: "}") { return position + 2 }
            case .link:
                if byte == UInt8(ascii: "]"), position + 1 < limit, source[position + 1] == UInt8(ascii: "]") { return position + 2 }
            case .conversion:
                if byte == UInt8(ascii: "}"), position + 1 < limit, source[position + 1] == UInt8(ascii: "-") { return position + 2 }
            }
            if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "-"),
               construct(at: position) != nil {
                if let end = constructEnd(at: position, limit: limit) {
                    position = end
                    continue
                }
            }
            position += 1
        }
        return nil
    }

    /// Splits a range at a separator that is not inside a template, link or conversion.
    func splitTopLevel(_ range: Range<Int>, separator: UInt8, double: Bool = false) -> [Range<Int>] {
        var parts: [Range<Int>] = []
        var partStart = range.lowerBound
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = source[index]
            if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "-"),
               let end = constructEnd(at: index, limit: range.upperBound) {
                index = end
                continue
            }
            if byte == separator {
                if double {
                    if index + 1 < range.upperBound, source[index + 1] == separator {
                        parts.append(partStart..<index)
                        index += 2
                        partStart = index
                        continue
                    }
                } else {
                    parts.append(partStart..<index)
                    partStart = index + 1
                }
            }
            index += 1
        }
        parts.append(partStart..<range.upperBound)
        return parts
    }

    /// The first `separator` in `range` that is not inside a template, link or conversion.
    func topLevelIndex(of separator: UInt8, in range: Range<Int>) -> Int? {
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = source[index]
            if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "-"),
               let end = constructEnd(at: index, limit: range.upperBound) {
                index = end
                continue
            }
            if byte == separator { return index }
            index += 1
        }
        return nil
    }

    func trimmed(_ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound, upper = range.upperBound
        while lower < upper, isSpace(source[lower]) { lower += 1 }
        while upper > lower, isSpace(source[upper - 1]) { upper -= 1 }
        return lower..<upper
    }

    func string(_ range: Range<Int>) -> String {
        String(decoding: source[range], as: UTF8.self)
    }

    /// Renders a range as blocks and appends its non-empty lines, trimmed, joined by
    /// `separator`, onto the end of `out`. Returns whether anything was appended.
    @discardableResult
    func appendOneLine(_ range: Range<Int>, separator: [UInt8], into out: inout [UInt8]) -> Bool {
        var scratch = scratchBuffers.popLast() ?? []
        scratch.removeAll(keepingCapacity: true)
        renderBlocks(range, into: &scratch)
        let before = out.count
        scratch.withUnsafeBufferPointer { lines in
            var lineStart = 0
            while lineStart < lines.count {
                var lineEnd = lineStart
                while lineEnd < lines.count, lines[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
                var lower = lineStart, upper = lineEnd
                while lower < upper, isSpace(lines[lower]) { lower += 1 }
                while upper > lower, isSpace(lines[upper - 1]) { upper -= 1 }
                if lower < upper {
                    if out.count > before { out.append(contentsOf: separator) }
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: lines[lower..<upper]))
                }
                lineStart = lineEnd + 1
            }
        }
        scratchBuffers.append(scratch)
        return out.count > before
    }

    /// The space that joins the lines of a template argument or a table cell.
    static let space: [UInt8] = [UInt8(ascii: " ")]
}
