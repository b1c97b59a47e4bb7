import VernacularCore

/// A reader turns one input file into documents. Every source kind (wiki dumps, subtitles, HTML,
/// tables, ...) is one reader, so a pipeline or `vern ingest` can drive any of them the same way.
public protocol DocumentReader: Sendable {
    /// The kind's name, as on the command line (`wiki`, `subtitles`).
    var kind: String { get }

    /// Whether a file met while walking a folder input is one for this reader.
    func accepts(fileName: String) -> Bool

    /// Reads `file`, handing each document to `emit` in input order. A bad record or page is
    /// given to `report.skip(_:policy:)`, which throws under `.fail` and counts it under `.skip`;
    /// a problem that stops the whole file throws.
    func read(file: String, policy: ErrorPolicy, report: inout IngestReport,
              emit: (Document) throws -> Void) throws
}

extension DocumentReader {
    /// All documents of one file, for code and tests that want them at once.
    public func documents(file: String, policy: ErrorPolicy = .fail) throws -> (documents: [Document], report: IngestReport) {
        var documents: [Document] = []
        var report = IngestReport()
        try read(file: file, policy: policy, report: &report) { documents.append($0) }
        report.documents += documents.count
        return (documents, report)
    }
}

/// Lower-cased file name ends with one of the suffixes.
func hasAnySuffix(_ name: String, _ suffixes: [String]) -> Bool {
    let lower = name.lowercased()
    return suffixes.contains { lower.hasSuffix($0) }
}
