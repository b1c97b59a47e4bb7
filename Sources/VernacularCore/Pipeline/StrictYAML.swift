import Yams

/// A configuration type whose YAML keys are known, so that a misspelt key is an error that names
/// the key and its line instead of an option silently left at its default.
public protocol KnownKeys {
    static var knownKeys: [String] { get }
}

extension KnownKeys where Self: Decodable {
    /// Decodes from a YAML node after checking every key of the mapping is known.
    public static func decodeStrictly(from node: Node, file: String, section: String) throws -> Self {
        try StrictYAML.checkKeys(of: node, allowed: knownKeys, file: file, section: section)
        do {
            return try YAMLDecoder().decode(Self.self, from: node)
        } catch let error as DecodingError {
            throw PipelineFileError(file: file, line: node.mark?.line, message: "in '\(section)': \(StrictYAML.describe(error))")
        }
    }
}

/// A problem in a pipeline file, with the line it is on where known.
public struct PipelineFileError: Error, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int?
    public let message: String

    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}

public enum StrictYAML {
    /// Throws for the first key of `node` (a mapping) that `allowed` does not list.
    public static func checkKeys(of node: Node, allowed: [String], file: String, section: String) throws {
        guard case .mapping(let mapping) = node else {
            if case .scalar(let scalar) = node, scalar.string.isEmpty || scalar.string == "~" { return }
            throw PipelineFileError(file: file, line: node.mark?.line, message: "'\(section)' must be a mapping of keys to values")
        }
        for (key, _) in mapping {
            let name = key.string ?? "?"
            guard allowed.contains(name) else {
                let known = allowed.sorted().joined(separator: ", ")
                throw PipelineFileError(
                    file: file, line: key.mark?.line,
                    message: "unknown key '\(name)' in '\(section)' (known keys: \(known))")
            }
        }
    }

    /// Turns a decoding error into one sentence naming the field.
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map(\.stringValue).joined(separator: ".")
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "'\(path(context))' should be \(type): \(context.debugDescription)"
        case .valueNotFound(_, let context):
            return "'\(path(context))' is missing a value"
        case .keyNotFound(let key, _):
            return "required key '\(key.stringValue)' is missing"
        case .dataCorrupted(let context):
            return "'\(path(context))': \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    /// A canonical JSON form of a node (mapping keys sorted), used to hash configurations.
    public static func canonicalJSON(_ node: Node?) -> JSONValue {
        guard let node else { return .null }
        switch node {
        case .scalar(let scalar):
            if let int = Int(scalar.string) { return JSONValue(int) }
            if let double = Double(scalar.string), scalar.style == .plain { return JSONValue(double) }
            if scalar.style == .plain, ["true", "false"].contains(scalar.string) { return .bool(scalar.string == "true") }
            if scalar.style == .plain, ["", "~", "null"].contains(scalar.string) { return .null }
            return .string(scalar.string)
        case .sequence(let sequence):
            return .array(sequence.map { canonicalJSON($0) })
        case .mapping(let mapping):
            let entries = mapping.map { (key: $0.key.string ?? "", value: canonicalJSON($0.value)) }
                .sorted { $0.key < $1.key }
            return .object(JSONObject(entries: entries))
        case .alias:
            return .null
        }
    }
}
