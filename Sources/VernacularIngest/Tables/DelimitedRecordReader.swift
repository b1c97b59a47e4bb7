import VernacularCore

/// Streams records of a CSV (RFC 4180: quoted fields with `""` escapes and line breaks inside
/// quotes) or TSV (no quoting: a tab or line break ends a field) file, line by line, so a large
/// sheet is never held whole.
final class DelimitedRecordReader {
    let lines: LineReader
    let delimiter: UInt8
    let quoting: Bool
    /// 1-based line where the most recent record started.
    private(set) var recordLine = 0

    struct UnterminatedQuote: Error { let line: Int }

    init(lines: LineReader, delimiter: UInt8, quoting: Bool) {
        self.lines = lines
        self.delimiter = delimiter
        self.quoting = quoting
    }

    /// The next record's fields; nil at the end. A quote still open at the end of the file
    /// throws, naming the line where the record started.
    func next() throws -> [String]? {
        var fields: [String] = []
        var field: [UInt8] = []
        var inQuotes = false
        var started = false
        while true {
            let more = try lines.nextLine { line -> Bool in
                if !started {
                    recordLine = lines.lineNumber
                    started = true
                } else {
                    // Still inside quotes: the line break belongs to the field.
                    field.append(UInt8(ascii: "\n"))
                }
                var index = 0
                while index < line.count {
                    let byte = line[index]
                    if inQuotes {
                        if byte == UInt8(ascii: "\"") {
                            if index + 1 < line.count, line[index + 1] == UInt8(ascii: "\"") {
                                field.append(byte)
                                index += 2
                                continue
                            }
                            inQuotes = false
                        } else {
                            field.append(byte)
                        }
                    } else if byte == delimiter {
                        fields.append(String(decoding: field, as: UTF8.self))
                        field.removeAll(keepingCapacity: true)
                    } else if quoting, byte == UInt8(ascii: "\""), field.allSatisfy({ $0 == UInt8(ascii: " ") }) {
                        field.removeAll(keepingCapacity: true)
                        inQuotes = true
                    } else {
                        field.append(byte)
                    }
                    index += 1
                }
                return true
            }
            if more == nil {
                if !started { return nil }
                if inQuotes { throw UnterminatedQuote(line: recordLine) }
                break
            }
            if !inQuotes { break }
        }
        fields.append(String(decoding: field, as: UTF8.self))
        return fields
    }
}
