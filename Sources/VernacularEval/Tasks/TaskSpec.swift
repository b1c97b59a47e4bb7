import Foundation

/// One `--task` argument: `KIND=PATH` or `KIND=PATH:option=value:option=value`.
///
/// Options follow the path after `:`; each is `name=value`. Values take `\n` and `\t` escapes, so
/// a prompt template fits on a command line; a value cannot hold `:` (write `\c` for one).
public struct TaskSpec: Sendable, Codable, Equatable {
    public var kind: TaskKind
    public var path: String
    /// Options as given, in order; later ones win.
    public var options: [String: String]

    /// Options every kind understands; each kind adds its own (see `TaskOptions`).
    public static let optionHelp = """
        name=NAME (the task's name in results), shots=K, template=T, answer-prefix=P, \
        description=D ({subject} is replaced), source=FIELD, target=FIELD, field=FIELD, \
        max-tokens=N, context=N (ppl window)
        """

    public init(kind: TaskKind, path: String, options: [String: String] = [:]) {
        self.kind = kind
        self.path = path
        self.options = options
    }

    /// Parses `KIND=PATH[:name=value...]`, naming what is wrong.
    public init(parsing text: String) throws {
        guard let equals = text.firstIndex(of: "=") else {
            throw EvalError(file: text, "a task is KIND=PATH (kinds: \(TaskKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let kindText = String(text[..<equals])
        guard let kind = TaskKind(rawValue: kindText) else {
            throw EvalError(file: text, "unknown task kind '\(kindText)' (kinds: \(TaskKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let parts = text[text.index(after: equals)...].split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard let path = parts.first, !path.isEmpty else { throw EvalError(file: text, "the task has no path after '='") }
        var options: [String: String] = [:]
        for part in parts.dropFirst() {
            guard let sign = part.firstIndex(of: "="), sign != part.startIndex else {
                throw EvalError(file: text, "option '\(part)' is not name=value")
            }
            options[String(part[..<sign])] = Self.unescape(String(part[part.index(after: sign)...]))
        }
        self.init(kind: kind, path: path, options: options)
    }

    static func unescape(_ value: String) -> String {
        var out = ""
        var escaped = false
        for character in value {
            if escaped {
                switch character {
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "c": out.append(":")
                default: out.append(character)
                }
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                out.append(character)
            }
        }
        if escaped { out.append("\\") }
        return out
    }

    /// The task's name in results: `name=` or the kind and the path's last component.
    public var name: String {
        if let name = options["name"], !name.isEmpty { return name }
        let last = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return "\(kind.rawValue):\(last)"
    }

    /// An integer option, or `fallback`; a value that is not a number is an error naming the task.
    public func integer(_ option: String, default fallback: Int) throws -> Int {
        guard let text = options[option] else { return fallback }
        guard let value = Int(text), value >= 0 else {
            throw EvalError(file: path, "option \(option)=\(text) is not a whole number")
        }
        return value
    }
}
