import Foundation
import VernacularCore

/// Reads saved HTML pages (news, blogs, forum threads): one document per page with its main
/// text (`MainTextExtractor`); title and date go to `meta`. The encoding comes from the
/// page's `<meta charset>` when the caller says `auto` and the bytes are not UTF-8.
public struct HTMLReader: DocumentReader {
    public var encoding: TextEncoding
    public var extractor = MainTextExtractor()
    public var kind: String { "html" }

    public init(encoding: TextEncoding = .auto) {
        self.encoding = encoding
    }

    public func accepts(fileName: String) -> Bool {
        hasAnySuffix(InputFiles.formatName(fileName), [".html", ".htm", ".xhtml"])
    }

    public func read(file: String, policy: ErrorPolicy, report: inout IngestReport,
                     emit: (Document) throws -> Void) throws {
        var declared = encoding
        if declared == .auto, let charset = try Self.declaredCharset(file), let named = TextEncoding(label: charset) {
            declared = named
        }
        let decoded = try DecodedText(path: file, declared: declared)
        report.noteDecoding(file: file, encoding: decoded.encoding, invalidSequences: decoded.invalidSequences)
        let page = extractor.extract(decoded.text)
        guard !page.text.isEmpty else {
            report.count("html_pages_empty")
            try report.skip(InputProblem(file: file, line: nil, message: "no main text found"), policy: policy)
            return
        }
        var meta = JSONObject()
        if let title = page.title { meta["title"] = .string(title) }
        if let date = page.date { meta["date"] = .string(date) }
        try emit(Document(id: file, text: page.text, source: file, meta: meta))
    }

    /// `<meta charset="big5">` or `content="text/html; charset=big5"` in the first 4 KiB, read
    /// as ASCII (every encoding here keeps ASCII bytes as ASCII, except UTF-16, which has a BOM).
    static func declaredCharset(_ file: String) throws -> String? {
        let source = try InputFiles.open(file)
        var head = [UInt8](repeating: 0, count: 4096)
        let count = try head.withUnsafeMutableBytes { try source.read(into: $0) }
        let text = String(decoding: head[0..<count].map { $0 < 0x80 ? $0 : UInt8(ascii: " ") }, as: UTF8.self).lowercased()
        guard let range = text.range(of: "charset=") else { return nil }
        let value = text[range.upperBound...].drop { $0 == "\"" || $0 == "'" || $0 == " " }
            .prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
        return value.isEmpty ? nil : String(value)
    }
}
