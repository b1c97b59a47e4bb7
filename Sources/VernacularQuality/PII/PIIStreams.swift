import VernacularCore

/// Line-by-line redaction for `vern pii redact`.
public enum PIIStreams {
    /// Writes each line of `reader` redacted, one output line per input line (invalid UTF-8 is
    /// repaired with U+FFFD rather than dropping the line, so line numbers still correspond).
    /// Returns the counts over all lines.
    public static func redactLines(
        from reader: LineReader, redactor: PIIRedactor, write: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> PIICounts {
        var total = PIICounts()
        while let line = try reader.nextLine({ String(decoding: $0, as: UTF8.self) }) {
            let (text, counts) = redactor.redact(line)
            total.merge(counts)
            var out = text
            out.append("\n")
            try out.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
        }
        return total
    }
}
