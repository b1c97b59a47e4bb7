import Foundation
import VernacularCore

/// Reads JSON Lines whose fields are named differently from ours: the text comes from one or
/// more fields (dotted paths such as `content.body` reach into objects; several fields are
/// joined by a line break), the id from another; all other fields go to `meta` unchanged.
/// A line that is not a JSON object, or lacks every text field, is a counted skip naming it.
public struct JSONLinesReader: DocumentReader {
    public struct Options: Sendable {
        public var textFields: [String] = ["text"]
        public var idField: String? = "id"
        public init() {}
    }

    public let options: Options
    public var kind: String { "jsonl" }

    public init(options: Options = Options()) {
        self.options = options
    }

    public func accepts(fileName: String) -> Bool {
        hasAnySuffix(InputFiles.formatName(fileName), [".jsonl", ".ndjson", ".json"])
    }

    public func read(file: String, policy: ErrorPolicy, report: inout IngestReport,
                     emit: (Document) throws -> Void) throws {
        let lines = LineReader(source: try InputFiles.open(file), path: file)
        while let outcome = try lines.nextLine({ bytes -> Result<Document?, InputProblem> in
            if bytes.allSatisfy({ isSpace($0) }) { return .success(nil) }
            do {
                return .success(try document(bytes, file: file, line: lines.lineNumber))
            } catch {
                return .failure(InputProblem(file: file, line: lines.lineNumber, message: "\(error)"))
            }
        }) {
            switch outcome {
            case .success(let document?): try emit(document)
            case .success(nil): continue
            case .failure(let problem):
                report.count("jsonl_records_bad")
                try report.skip(problem, policy: policy)
            }
        }
    }

    struct RecordError: Error, CustomStringConvertible {
        let description: String
    }

    private func document(_ bytes: UnsafeBufferPointer<UInt8>, file: String, line: Int) throws -> Document {
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch { throw RecordError(description: "not valid JSON: \(error)") }
        guard case .object(let object) = value else { throw RecordError(description: "the line is JSON but not an object") }
        var texts: [String] = []
        var used = Set<String>()
        for field in options.textFields {
            guard let found = Self.value(at: field, in: object) else { continue }
            used.insert(field.split(separator: ".").first.map(String.init) ?? field)
            switch found {
            case .string(let text) where !text.isEmpty: texts.append(text)
            case .array(let items): texts += items.compactMap(\.stringValue).filter { !$0.isEmpty }
            case .string: break
            default: throw RecordError(description: "field '\(field)' is not text")
            }
        }
        guard !texts.isEmpty else {
            throw RecordError(description: "no text in field\(options.textFields.count > 1 ? "s" : "") \(options.textFields.joined(separator: ", "))")
        }
        var id: String?
        if let idField = options.idField, let value = Self.value(at: idField, in: object) {
            switch value {
            case .string(let string): id = string
            case .number(let number): id = number
            default: break
            }
            if id != nil { used.insert(idField) }
        }
        var meta = JSONObject()
        for entry in object.entries where !used.contains(entry.key) { meta[entry.key] = entry.value }
        return Document(id: id ?? Document.derivedID(source: file, line: line), text: texts.joined(separator: "\n"),
                        source: file, meta: meta)
    }

    /// The value at a dotted path (`a.b.c`); a key that itself contains a dot is tried whole first.
    static func value(at path: String, in object: JSONObject) -> JSONValue? {
        if let direct = object[path] { return direct }
        var current: JSONValue = .object(object)
        for key in path.split(separator: ".") {
            guard case .object(let inner) = current, let next = inner[String(key)] else { return nil }
            current = next
        }
        return current
    }
}
