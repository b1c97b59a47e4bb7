import Foundation

/// HKCanto-Eval CSV: no header, rows `question, A, B, C, D[, E], answer`. `path` is the folder
/// holding `dev/` and `test/` (test rows are scored, dev rows are the few-shot examples of the
/// subject with the same file name), or one test file. A subject is its file name without
/// `.csv` and a `_test` / `_dev` suffix.
public enum HKCantoLoader {
    public static func load(path: String) throws -> MultipleChoiceSet {
        var set = MultipleChoiceSet()
        let root: String
        let testFiles: [String]
        if TaskFiles.isDirectory(path + "/test") {
            root = path
            testFiles = try TaskFiles.list(path + "/test", extensions: ["csv"])
        } else {
            testFiles = try TaskFiles.list(path, extensions: ["csv"])
            let parent = URL(fileURLWithPath: testFiles[0]).deletingLastPathComponent()
            root = parent.lastPathComponent == "test" ? parent.deletingLastPathComponent().path : parent.path
        }
        var devFiles: [String: String] = [:]
        if TaskFiles.isDirectory(root + "/dev") {
            for file in try TaskFiles.list(root + "/dev", extensions: ["csv"]) { devFiles[subject(of: file)] = file }
        }
        for file in testFiles {
            let subject = subject(of: file)
            let (items, problems) = try read(file, subject: subject)
            set.items += items
            set.problems += problems
            if let dev = devFiles[subject] {
                let (examples, devProblems) = try read(dev, subject: subject)
                set.examples[subject] = examples
                set.problems += devProblems
            }
        }
        return set
    }

    static func subject(of file: String) -> String {
        var name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        for suffix in ["_test", "_dev", "_val"] where name.hasSuffix(suffix) { name.removeLast(suffix.count) }
        return name
    }

    static func read(_ file: String, subject: String) throws -> ([MultipleChoiceItem], [ItemProblem]) {
        var checker = ItemChecker(file: file)
        var items: [MultipleChoiceItem] = []
        for (index, row) in CSVRows.parse(try TaskFiles.text(file)).enumerated() {
            let label = "row \(index + 1) (line \(row.line))"
            let fields = row.fields
            // 6 fields: four options; 7: five. Fewer means an option is missing.
            guard fields.count >= 6, fields.count <= 7 else {
                checker.report(label, "expected 6 or 7 fields (question, A-D or A-E, answer), found \(fields.count)")
                continue
            }
            let question = fields[0].trimmingCharacters(in: .whitespacesAndNewlines)
            guard !question.isEmpty else {
                checker.report(label, "no question")
                continue
            }
            let optionFields = Array(fields[1..<(fields.count - 1)])
            let names = Array(ChoiceLetter.letters.prefix(optionFields.count))
            let id = "\(subject)/\(index + 1)"
            guard let choices = checker.options(optionFields, names: names, label: label),
                  let gold = checker.letterAnswer(fields[fields.count - 1], choices: choices.count, label: label),
                  checker.isNew(id, label: label) else { continue }
            items.append(MultipleChoiceItem(id: id, subject: subject, question: question, choices: choices, gold: gold))
        }
        return (items, checker.problems)
    }
}
