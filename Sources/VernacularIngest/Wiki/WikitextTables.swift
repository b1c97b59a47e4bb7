/// Tables (`{| ... |}`): one output line per row, cells in source order separated by the
/// configured separator, captions on their own line. Cell attributes (`rowspan="2" |`) are
/// dropped; a spanning cell's text appears once, in the row where it is written, because copying
/// it into the rows it spans would invent text. A nested table's rows follow the row holding it.
extension WikitextConverter {
    /// The table starting at `start`: to the line holding its matching `|}` (or the end).
    func tableExtent(from start: Int, limit: Int) -> Range<Int> {
        var depth = 0
        var index = start
        while index < limit {
            let line = logicalLine(from: index, limit: limit)
            let content = trimmed(line)
            if starts(source, content.lowerBound, "{|") { depth += 1 }
            else if starts(source, content.lowerBound, "|}") {
                depth -= 1
                if depth == 0 { return start..<line.upperBound }
            }
            index = line.upperBound + 1
        }
        return start..<limit
    }

    func renderTable(_ table: Range<Int>, into out: inout [UInt8]) {
        var row: [Range<Int>] = []
        /// Cells hold source ranges; a continuation line extends the last cell's range.
        func flush() {
            guard !row.isEmpty else { return }
            let rowStart = out.count
            var anyText = false
            for (index, cell) in row.enumerated() {
                if index > 0 { out.append(contentsOf: cellSeparator) }
                if appendOneLine(cellContent(cell), separator: Self.space, into: &out) { anyText = true }
            }
            if anyText {
                out.append(UInt8(ascii: "\n"))
            } else {
                out.removeSubrange(rowStart...)
            }
            row.removeAll(keepingCapacity: true)
        }

        // Skip the `{|` line (table attributes).
        var index = logicalLine(from: table.lowerBound, limit: table.upperBound).upperBound + 1
        while index < table.upperBound {
            let line = logicalLine(from: index, limit: table.upperBound)
            let content = trimmed(line)
            let next = line.upperBound + 1
            if starts(source, content.lowerBound, "{|") {
                flush()
                let nested = tableExtent(from: content.lowerBound, limit: table.upperBound)
                renderTable(nested, into: &out)
                index = nested.upperBound + 1
                continue
            }
            if starts(source, content.lowerBound, "|}") { break }
            if starts(source, content.lowerBound, "|+") {
                flush()
                appendOneLine(cellContent((content.lowerBound + 2)..<content.upperBound), separator: Self.space, into: &out)
                out.append(UInt8(ascii: "\n"))
            } else if starts(source, content.lowerBound, "|-") {
                flush()
            } else if content.lowerBound < content.upperBound, source[content.lowerBound] == UInt8(ascii: "!") {
                for part in splitTopLevel((content.lowerBound + 1)..<content.upperBound, separator: UInt8(ascii: "!"), double: true) {
                    row += splitTopLevel(part, separator: UInt8(ascii: "|"), double: true)
                }
            } else if content.lowerBound < content.upperBound, source[content.lowerBound] == UInt8(ascii: "|") {
                row += splitTopLevel((content.lowerBound + 1)..<content.upperBound, separator: UInt8(ascii: "|"), double: true)
            } else if !content.isEmpty {
                if let last = row.popLast() {
                    // A cell continued on the next lines (a list or paragraph inside a cell).
                    row.append(last.lowerBound..<line.upperBound)
                } else {
                    renderBlocks(line, into: &out)
                }
            }
            index = next
        }
        flush()
    }

    /// A cell's text without its attributes: everything after the first top-level single `|`,
    /// as MediaWiki reads it.
    func cellContent(_ cell: Range<Int>) -> Range<Int> {
        let firstLine = logicalLine(from: cell.lowerBound, limit: cell.upperBound)
        if let pipe = topLevelIndex(of: UInt8(ascii: "|"), in: firstLine) {
            return (pipe + 1)..<cell.upperBound
        }
        return cell
    }
}
