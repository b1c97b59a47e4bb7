import Foundation
import VernacularCore

/// Reads CSV and TSV sheets (surveys, reviews, sentence lists) into one document per row: the
/// chosen text columns, non-empty ones joined by a line break, make the text; every other column
/// goes to `meta` under its header name. A row with the wrong number of fields is a counted skip
/// naming its line; a blank row is passed over.
public struct TableReader: DocumentReader {
    public struct Options: Sendable {
        /// Header names (or 1-based numbers) of the text columns; empty takes the first column
        /// named `text`, or else the first column.
        public var textColumns: [String] = []
        /// The column holding a record id; none derives `file:line`.
        public var idColumn: String?
        /// Nil chooses by extension: tab for `.tsv`/`.tab`, comma otherwise.
        public var delimiter: Character?
        public var encoding = TextEncoding.auto
        public init() {}
    }

    public let options: Options
    public var kind: String { "csv" }

    public init(options: Options = Options()) {
        self.options = options
    }

    public func accepts(fileName: String) -> Bool {
        hasAnySuffix(InputFiles.formatName(fileName), [".csv", ".tsv", ".tab"])
    }

    public func read(file: String, policy: ErrorPolicy, report: inout IngestReport,
                     emit: (Document) throws -> Void) throws {
        let isTSV = hasAnySuffix(InputFiles.formatName(file), [".tsv", ".tab"])
        let delimiter = options.delimiter.flatMap(\.asciiValue) ?? (isTSV ? UInt8(ascii: "\t") : UInt8(ascii: ","))
        let source = try DecodingByteSource(path: file, declared: options.encoding)
        defer { report.noteDecoding(file: file, encoding: source.encoding, invalidSequences: source.invalidSequences) }
        let records = DelimitedRecordReader(lines: LineReader(source: source, path: file), delimiter: delimiter,
                                            quoting: delimiter != UInt8(ascii: "\t"))
        guard let header = try records.next()?.map({ $0.trimmingCharacters(in: .whitespaces) }) else {
            throw IOError(path: file, message: "empty table: no header row")
        }
        let textIndices = try columns(options.textColumns, header: header, file: file)
        let idIndex = try options.idColumn.map { try columns([$0], header: header, file: file)[0] }
        while true {
            let fields: [String]
            do {
                guard let next = try records.next() else { break }
                fields = next
            } catch let error as DelimitedRecordReader.UnterminatedQuote {
                report.count("table_rows_bad")
                try report.skip(InputProblem(file: file, line: error.line,
                                             message: "a quoted field opened here is never closed (the file ends inside it)"),
                                policy: policy)
                break
            }
            if fields.count == 1, fields[0].trimmingCharacters(in: .whitespaces).isEmpty { continue }
            guard fields.count == header.count else {
                report.count("table_rows_bad")
                try report.skip(InputProblem(file: file, line: records.recordLine,
                                             message: "\(fields.count) fields where the header has \(header.count)"),
                                policy: policy)
                continue
            }
            let text = textIndices.map { fields[$0].trimmingCharacters(in: .whitespacesAndNewlines) }
                .filter { !$0.isEmpty }.joined(separator: "\n")
            guard !text.isEmpty else {
                report.count("table_rows_empty_text")
                continue
            }
            var meta = JSONObject()
            for (index, name) in header.enumerated() where !textIndices.contains(index) && index != idIndex {
                meta[name.isEmpty ? "column_\(index + 1)" : name] = .string(fields[index])
            }
            let id = idIndex.map { fields[$0] } ?? Document.derivedID(source: file, line: records.recordLine)
            try emit(Document(id: id, text: text, source: file, meta: meta))
        }
    }

    /// Resolves column names or 1-based numbers against the header.
    private func columns(_ wanted: [String], header: [String], file: String) throws -> [Int] {
        if wanted.isEmpty { return [header.firstIndex(of: "text") ?? 0] }
        return try wanted.map { name in
            if let index = header.firstIndex(of: name) { return index }
            if let number = Int(name), (1...header.count).contains(number) { return number - 1 }
            throw IOError(path: file, message: "no column '\(name)' (the header has: \(header.joined(separator: ", ")))")
        }
    }
}
