import Foundation

/// A value in an engine's config file, kept in the order it is written, with an optional comment
/// that says why it has that value. Rendered as YAML (NxD Training) or TOML (torchtitan).
public indirect enum ConfigValue: Sendable, Equatable {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case null
    case list([ConfigValue])
    case table([ConfigEntry])
}

/// One key of a table.
public struct ConfigEntry: Sendable, Equatable {
    public var key: String
    public var value: ConfigValue
    public var comment: String?

    public init(_ key: String, _ value: ConfigValue, comment: String? = nil) {
        self.key = key
        self.value = value
        self.comment = comment
    }
}

extension ConfigValue {
    /// The value under `key` of a table, for tests and for renderers that reuse a figure.
    public subscript(key: String) -> ConfigValue? {
        guard case .table(let entries) = self else { return nil }
        return entries.first { $0.key == key }?.value
    }

    /// A double written so YAML and TOML both read it back as a float (1.5e-4, 1.0).
    var floatText: String {
        guard case .double(let value) = self else { return "" }
        if value == value.rounded() && abs(value) < 1e15 { return String(format: "%.1f", value) }
        var text = "\(value)"
        // Swift writes 0.00015 as "0.00015" and 1e-05 as "1e-05"; TOML needs a digit after the dot.
        if text.contains("e") && !text.contains(".") {
            let parts = text.split(separator: "e")
            text = "\(parts[0]).0e\(parts[1])"
        }
        return text
    }

    /// A double-quoted string, escaped as both YAML and TOML accept.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for character in text.unicodeScalars {
            switch character {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(character)
            }
        }
        return out + "\""
    }
}

/// Writes a `ConfigValue` table as block YAML.
public enum YAMLText {
    public static func render(_ root: [ConfigEntry], header: String? = nil) -> String {
        var lines: [String] = []
        if let header { lines += header.split(separator: "\n", omittingEmptySubsequences: false).map { "# " + $0 } }
        write(root, indent: 0, into: &lines)
        return lines.joined(separator: "\n") + "\n"
    }

    static func scalar(_ value: ConfigValue) -> String? {
        switch value {
        case .string(let text): return ConfigValue.quoted(text)
        case .int(let number): return String(number)
        case .double: return value.floatText
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return "null"
        case .list(let items) where items.allSatisfy({ scalar($0) != nil }):
            return "[" + items.map { scalar($0)! }.joined(separator: ", ") + "]"
        case .table(let entries) where entries.isEmpty: return "{}"
        default: return nil
        }
    }

    static func write(_ entries: [ConfigEntry], indent: Int, into lines: inout [String]) {
        let pad = String(repeating: " ", count: indent)
        for entry in entries {
            if let comment = entry.comment {
                for line in comment.split(separator: "\n") { lines.append(pad + "# " + line) }
            }
            if let text = scalar(entry.value) {
                lines.append(pad + entry.key + ": " + text)
            } else if case .table(let inner) = entry.value {
                lines.append(pad + entry.key + ":")
                write(inner, indent: indent + 2, into: &lines)
            } else if case .list(let items) = entry.value {
                lines.append(pad + entry.key + ":")
                writeList(items, indent: indent + 2, into: &lines)
            }
        }
    }

    /// A block sequence; a mapping item starts on the dash's line ("- Key: value").
    static func writeList(_ items: [ConfigValue], indent: Int, into lines: inout [String]) {
        let pad = String(repeating: " ", count: indent)
        for item in items {
            if let text = scalar(item) {
                lines.append(pad + "- " + text)
                continue
            }
            var inner: [String] = []
            switch item {
            case .table(let entries): write(entries, indent: indent + 2, into: &inner)
            case .list(let nested): writeList(nested, indent: indent + 2, into: &inner)
            default: break
            }
            guard let first = inner.first else { continue }
            // Comments may precede the first key; the dash goes on the first line.
            lines.append(pad + "- " + first.dropFirst(indent + 2))
            lines.append(contentsOf: inner.dropFirst())
        }
    }
}

/// Writes a `ConfigValue` table as TOML: scalars of the root first, then one `[section]` per
/// nested table (one level deep, as torchtitan's job config is).
public enum TOMLText {
    public static func render(_ root: [ConfigEntry], header: String? = nil) -> String {
        var lines: [String] = []
        if let header { lines += header.split(separator: "\n", omittingEmptySubsequences: false).map { "# " + $0 } }
        var sections: [ConfigEntry] = []
        for entry in root {
            if case .table = entry.value { sections.append(entry); continue }
            append(entry, into: &lines)
        }
        for section in sections {
            guard case .table(let entries) = section.value else { continue }
            lines.append("")
            if let comment = section.comment { for line in comment.split(separator: "\n") { lines.append("# " + line) } }
            lines.append("[\(section.key)]")
            for entry in entries { append(entry, into: &lines) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func append(_ entry: ConfigEntry, into lines: inout [String]) {
        // TOML has no null: a key without a value is left out, and the engine's default applies.
        if entry.value == .null { return }
        if let comment = entry.comment { for line in comment.split(separator: "\n") { lines.append("# " + line) } }
        lines.append("\(entry.key) = \(scalar(entry.value))")
    }

    static func scalar(_ value: ConfigValue) -> String {
        switch value {
        case .string(let text): return ConfigValue.quoted(text)
        case .int(let number): return String(number)
        case .double: return value.floatText
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return "\"\""  // not reached for keys: append leaves them out
        case .list(let items): return "[" + items.map(scalar).joined(separator: ", ") + "]"
        case .table(let entries):
            return "{ " + entries.map { "\($0.key) = \(scalar($0.value))" }.joined(separator: ", ") + " }"
        }
    }
}
