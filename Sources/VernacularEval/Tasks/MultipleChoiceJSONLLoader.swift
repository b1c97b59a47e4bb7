import Foundation

/// JSON Lines `{"question", "choices": [...], "answer": index}`, with optional `id` and
/// `subject` (default: the file name). A file or a folder of `.jsonl` files in name order.
public enum MultipleChoiceJSONLLoader {
    public static func load(path: String) throws -> MultipleChoiceSet {
        var set = MultipleChoiceSet()
        for file in try TaskFiles.list(path, extensions: ["jsonl"]) {
            let fileSubject = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
            var checker = ItemChecker(file: file)
            var problems: [ItemProblem] = []
            for (line, record) in try TaskFiles.jsonLines(file, problems: &problems) {
                let given = (record["id"] as? String) ?? (record["id"] as? NSNumber)?.stringValue
                let label = given.map { "line \(line) (id \($0))" } ?? "line \(line)"
                let subject = (record["subject"] as? String) ?? fileSubject
                guard let question = record["question"] as? String, !question.isEmpty else {
                    checker.report(label, "no question")
                    continue
                }
                guard let list = record["choices"] as? [Any], list.count >= 2 else {
                    checker.report(label, "expected \"choices\": a list of at least two texts")
                    continue
                }
                guard let choices = checker.options(list, names: list.indices.map { "choices[\($0)]" }, label: label) else { continue }
                // The index must be a JSON integer: "2" or "C" is a defect of the file, not a guess to make.
                guard let answer = record["answer"] as? NSNumber, answer.doubleValue == answer.doubleValue.rounded(),
                      answer.intValue >= 0, answer.intValue < choices.count else {
                    checker.report(label, "answer must be a choice index 0-\(choices.count - 1), found \(record["answer"].map { "\($0)" } ?? "nothing")")
                    continue
                }
                let id = "\(subject)/\(given ?? String(line))"
                guard checker.isNew(id, label: label) else { continue }
                set.items.append(MultipleChoiceItem(id: id, subject: subject, question: question, choices: choices, gold: answer.intValue))
            }
            set.problems += problems + checker.problems
        }
        return set
    }
}
