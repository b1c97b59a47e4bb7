import Foundation
import VernacularCore

/// Reads plain text files, streamed and decoded (`TextEncoding`): either one document per
/// paragraph (lines up to a blank line; the lines are kept as lines) or one document per file.
public struct PlainTextReader: DocumentReader {
    public enum Unit: String, Sendable, CaseIterable {
        case paragraph, file
    }

    public struct Options: Sendable {
        public var unit = Unit.paragraph
        public var encoding = TextEncoding.auto
        public init() {}
    }

    public let options: Options
    public var kind: String { "text" }

    public init(options: Options = Options()) {
        self.options = options
    }

    public func accepts(fileName: String) -> Bool {
        hasAnySuffix(InputFiles.formatName(fileName), [".txt", ".text", ".md"])
    }

    public func read(file: String, policy: ErrorPolicy, report: inout IngestReport,
                     emit: (Document) throws -> Void) throws {
        let source = try DecodingByteSource(path: file, declared: options.encoding)
        defer { report.noteDecoding(file: file, encoding: source.encoding, invalidSequences: source.invalidSequences) }
        let lines = LineReader(source: source, path: file)
        var paragraph: [String] = []
        var firstLine = 0
        var meta = JSONObject()
        if source.encoding != .utf8 { meta["encoding"] = .string(source.encoding.rawValue) }

        func flush() throws {
            defer { paragraph.removeAll() }
            guard !paragraph.isEmpty else { return }
            let id = options.unit == .file ? file : Document.derivedID(source: file, line: firstLine)
            try emit(Document(id: id, text: paragraph.joined(separator: "\n"), source: file, meta: meta))
        }

        while let line = try lines.nextLine({ String(decoding: $0, as: UTF8.self) }) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty {
                if options.unit == .paragraph { try flush() } else if !paragraph.isEmpty { paragraph.append("") }
                continue
            }
            if paragraph.isEmpty { firstLine = lines.lineNumber }
            paragraph.append(line.trimmingCharacters(in: .init(charactersIn: "\r")))
        }
        while paragraph.last == "" { paragraph.removeLast() }
        try flush()
    }
}
