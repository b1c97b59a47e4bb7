/// The unit that flows through every stage: one text with where it came from.
public struct Document: Sendable, Equatable {
    /// Stable identifier: from the input's id field, or derived from source and line.
    public var id: String
    public var text: String
    /// Where the document came from (a file path, a URL, a corpus name).
    public var source: String
    /// Everything else the input carried, plus what stages add (language, scores, cluster sizes).
    public var meta: JSONObject

    public init(id: String, text: String, source: String, meta: JSONObject = JSONObject()) {
        self.id = id
        self.text = text
        self.source = source
        self.meta = meta
    }
}

/// How JSON Lines fields map onto a `Document` when reading.
public struct DocumentFieldMapping: Sendable, Equatable, Codable {
    public var textField: String
    public var idField: String

    public init(textField: String = "text", idField: String = "id") {
        self.textField = textField
        self.idField = idField
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case textField = "text_field"
        case idField = "id_field"
    }
}

/// Why a JSON Lines record could not become a document.
public enum DocumentDecodingError: Error, Sendable, CustomStringConvertible {
    case notJSON(JSONParseError)
    case notAnObject
    case missingText(field: String)
    case textNotAString(field: String)

    public var description: String {
        switch self {
        case .notJSON(let error): return "not valid JSON: \(error)"
        case .notAnObject: return "the line is JSON but not an object"
        case .missingText(let field): return "no '\(field)' field"
        case .textNotAString(let field): return "field '\(field)' is not a string"
        }
    }
}

extension Document {
    /// Builds a document from one JSON Lines record. Fields other than text, id, source and meta
    /// are kept in `meta`, so nothing the input carried is lost.
    public static func decode(
        jsonLine bytes: UnsafeBufferPointer<UInt8>,
        mapping: DocumentFieldMapping,
        fallbackSource: String,
        lineNumber: Int
    ) throws(DocumentDecodingError) -> Document {
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch { throw .notJSON(error) }
        guard case .object(let object) = value else { throw .notAnObject }

        var text: String?
        var id: String?
        var source: String?
        var meta = JSONObject()
        var extra: [(key: String, value: JSONValue)] = []
        for entry in object.entries {
            switch entry.key {
            case mapping.textField:
                guard case .string(let string) = entry.value else { throw .textNotAString(field: mapping.textField) }
                text = string
            case mapping.idField:
                switch entry.value {
                case .string(let string): id = string
                case .number(let number): id = number
                default: extra.append(entry)
                }
            case "source":
                if case .string(let string) = entry.value { source = string } else { extra.append(entry) }
            case "meta":
                if case .object(let object) = entry.value { meta = object } else { extra.append(entry) }
            default:
                extra.append(entry)
            }
        }
        guard let text else { throw .missingText(field: mapping.textField) }
        for entry in extra where meta[entry.key] == nil { meta[entry.key] = entry.value }
        let resolvedSource = source ?? fallbackSource
        return Document(
            id: id ?? Document.derivedID(source: fallbackSource, line: lineNumber),
            text: text,
            source: resolvedSource,
            meta: meta
        )
    }

    /// The id given to a record without one: stable across runs and machines because it depends
    /// only on the input's path as given and the line number.
    public static func derivedID(source: String, line: Int) -> String {
        "\(source):\(line)"
    }

    /// Appends the document as one JSON Lines record (with its newline).
    public func appendJSONLine(to out: inout [UInt8]) {
        out.append(contentsOf: #"{"id":"#.utf8)
        JSONWriter.appendString(id, to: &out)
        out.append(contentsOf: #","text":"#.utf8)
        JSONWriter.appendString(text, to: &out)
        out.append(contentsOf: #","source":"#.utf8)
        JSONWriter.appendString(source, to: &out)
        if !meta.isEmpty {
            out.append(contentsOf: #","meta":"#.utf8)
            JSONWriter.append(meta, to: &out)
        }
        out.append(contentsOf: "}\n".utf8)
    }
}
