import Foundation
import VernacularCore

/// Records of a JSON array file or a JSON Lines file, each with the label it is reported under.
enum RecordFile {
    static func records(_ file: String, problems: inout [ItemProblem]) throws -> [(label: String, record: [String: Any])] {
        if file.hasSuffix(".jsonl") {
            return try TaskFiles.jsonLines(file, problems: &problems).map { ("line \($0.line)", $0.record) }
        }
        var out: [(String, [String: Any])] = []
        for (index, value) in try TaskFiles.jsonArray(file).enumerated() {
            guard let record = value as? [String: Any] else {
                problems.append(ItemProblem(file: file, item: "#\(index + 1)", reason: "not a JSON object"))
                continue
            }
            out.append(("#\(index + 1)", record))
        }
        return out
    }

    static func string(_ value: Any?) -> String? {
        switch value {
        case let text as String: return text
        case let number as NSNumber: return number.stringValue
        default: return nil
        }
    }
}

/// gen-math: Yue-GSM8K's `[{"question", "answer"}]` (or JSON Lines), the answer ending `####N`.
public enum MathLoader {
    public static func load(path: String, questionField: String = "question", answerField: String = "answer") throws -> TextItemSet {
        var set = TextItemSet()
        for file in try TaskFiles.list(path, extensions: ["json", "jsonl"]) {
            let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
            var seen: Set<String> = []
            for (label, record) in try RecordFile.records(file, problems: &set.problems) {
                let id = "\(name)/\(RecordFile.string(record["id"]) ?? label.replacingOccurrences(of: "#", with: ""))"
                guard let question = RecordFile.string(record[questionField]), !question.isEmpty else {
                    set.problems.append(ItemProblem(file: file, item: label, reason: "no \(questionField)"))
                    continue
                }
                guard let answer = RecordFile.string(record[answerField]), let number = MathAnswer.reference(answer) else {
                    set.problems.append(ItemProblem(file: file, item: label, reason: "the \(answerField) has no number after ####"))
                    continue
                }
                guard seen.insert(id).inserted else {
                    set.problems.append(ItemProblem(file: file, item: label, reason: "duplicated id '\(id)': only the first is scored"))
                    continue
                }
                set.items.append(TextItem(id: id, text: question, reference: answer, number: number))
            }
        }
        return set
    }
}

/// gen-translate: a JSON array (or JSON Lines) of records with a source and a target field.
public enum TranslationLoader {
    public static func load(path: String, sourceField: String, targetField: String) throws -> TextItemSet {
        var set = TextItemSet()
        for file in try TaskFiles.list(path, extensions: ["json", "jsonl"]) {
            let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
            var seen: Set<String> = []
            for (label, record) in try RecordFile.records(file, problems: &set.problems) {
                let id = "\(name)/\(RecordFile.string(record["id"]) ?? label.replacingOccurrences(of: "#", with: ""))"
                guard let source = RecordFile.string(record[sourceField]), !source.isEmpty,
                      let target = RecordFile.string(record[targetField]), !target.isEmpty else {
                    set.problems.append(ItemProblem(file: file, item: label, reason: "needs both \"\(sourceField)\" and \"\(targetField)\""))
                    continue
                }
                guard seen.insert(id).inserted else {
                    set.problems.append(ItemProblem(file: file, item: label, reason: "duplicated id '\(id)': only the first is scored"))
                    continue
                }
                set.items.append(TextItem(id: id, text: source, reference: target))
            }
        }
        return set
    }
}

/// answer-language and code-switch: prompts one per line (.txt) or JSON Lines with `prompt`
/// (or `text`), optional `id` and, for code-switch, `terms` (default: the Latin-script words of
/// two letters or more in the prompt).
public enum PromptLoader {
    public static func load(path: String, field: String = "prompt") throws -> TextItemSet {
        var set = TextItemSet()
        for file in try TaskFiles.list(path, extensions: ["txt", "jsonl"]) {
            let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
            var seen: Set<String> = []
            func add(_ id: String, _ label: String, _ prompt: String, _ terms: [String]?) {
                guard seen.insert(id).inserted else {
                    set.problems.append(ItemProblem(file: file, item: label, reason: "duplicated id '\(id)': only the first is scored"))
                    return
                }
                set.items.append(TextItem(id: id, text: prompt, terms: terms ?? latinTerms(in: prompt)))
            }
            if file.hasSuffix(".jsonl") {
                for (line, record) in try TaskFiles.jsonLines(file, problems: &set.problems) {
                    guard let prompt = RecordFile.string(record[field] ?? record["text"]), !prompt.isEmpty else {
                        set.problems.append(ItemProblem(file: file, item: "line \(line)", reason: "no \"\(field)\""))
                        continue
                    }
                    add("\(name)/\(RecordFile.string(record["id"]) ?? String(line))", "line \(line)", prompt,
                        (record["terms"] as? [Any])?.compactMap(RecordFile.string))
                }
            } else {
                for (index, line) in try TaskFiles.text(file).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                    let prompt = line.trimmingCharacters(in: .whitespacesAndNewlines)
                    if !prompt.isEmpty { add("\(name)/\(index + 1)", "line \(index + 1)", prompt, nil) }
                }
            }
        }
        return set
    }

    /// Words in Latin letters (with inner digits, dots, hyphens: "iPhone", "Wi-Fi", "Python3").
    static func latinTerms(in text: String) -> [String] {
        let pattern = try! NSRegularExpression(pattern: #"[A-Za-z][A-Za-z0-9.+#-]*[A-Za-z0-9+#]"#)
        var terms: [String] = []
        for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            if let range = Range(match.range, in: text), !terms.contains(String(text[range])) { terms.append(String(text[range])) }
        }
        return terms
    }
}

/// ppl: plain text files are one document each; JSON Lines shards (.jsonl, .gz, .zst, globs)
/// give one document per record.
public enum DocumentLoader {
    public static func load(path: String, textField: String = "text") throws -> TextItemSet {
        var set = TextItemSet()
        let files = TaskFiles.isDirectory(path)
            ? try FileManager.default.contentsOfDirectory(atPath: path).sorted().map { path + "/" + $0 }
            : try ShardPlanner.expand([path])
        for file in files {
            let name = URL(fileURLWithPath: file).lastPathComponent
            if file.contains(".jsonl") {
                var index = 0
                try DocumentReading.forEach(path: file, mapping: DocumentFieldMapping(textField: textField)) { document in
                    index += 1
                    if document.text.isEmpty {
                        set.problems.append(ItemProblem(file: file, item: "record \(index)", reason: "empty text"))
                    } else {
                        set.items.append(TextItem(id: "\(name)/\(document.id.isEmpty ? String(index) : document.id)", text: document.text))
                    }
                }
            } else {
                let text = try TaskFiles.text(file)
                if text.isEmpty {
                    set.problems.append(ItemProblem(file: file, item: name, reason: "empty file"))
                } else {
                    set.items.append(TextItem(id: name, text: text))
                }
            }
        }
        if set.items.isEmpty, set.problems.isEmpty { throw EvalError(file: path, "no text") }
        return set
    }
}
