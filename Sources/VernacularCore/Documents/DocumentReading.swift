/// Reads JSON Lines documents from a file, for tools and tests that want them all at once or
/// one by one without a pipeline.
public enum DocumentReading {
    /// Calls `body` for each document in order; a bad record throws naming the file and line.
    public static func forEach(path: String, mapping: DocumentFieldMapping = DocumentFieldMapping(),
                               _ body: (Document) throws -> Void) throws {
        let reader = LineReader(source: try FileByteSource.open(path: path), path: path)
        while let document = try reader.nextLine({ bytes -> Document? in
            if bytes.isEmpty { return nil }
            do {
                return try Document.decode(jsonLine: bytes, mapping: mapping, fallbackSource: path,
                                           lineNumber: reader.lineNumber)
            } catch {
                throw InputProblem(file: path, line: reader.lineNumber, message: "\(error)")
            }
        }) {
            if let document { try body(document) }
        }
    }

    public static func readAll(path: String, mapping: DocumentFieldMapping = DocumentFieldMapping()) throws -> [Document] {
        var documents: [Document] = []
        try forEach(path: path, mapping: mapping) { documents.append($0) }
        return documents
    }
}
