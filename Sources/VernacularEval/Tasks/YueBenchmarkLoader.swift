import Foundation

/// Yue-Benchmark multiple choice JSON (Yue-MMLU, Yue-ARC-C): a file, or a folder of subject files,
/// each an array of `{"question", "A", "B", "C", "D", "answer", "no"}`. Subject files are read in
/// name order; the subject is the file name. The files have no dev split: few-shot examples are
/// the first items of each subject (see `MultipleChoiceSet.takeExamplesFromItems`).
public enum YueBenchmarkLoader {
    public static func load(path: String) throws -> MultipleChoiceSet {
        var set = MultipleChoiceSet()
        for file in try TaskFiles.list(path, extensions: ["json"]) {
            let subject = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
            let records = try TaskFiles.jsonArray(file)
            var checker = ItemChecker(file: file)
            for (index, value) in records.enumerated() {
                let label = "#\(index + 1)"
                guard let record = value as? [String: Any] else {
                    checker.report(label, "not a JSON object")
                    continue
                }
                let number = (record["no"] as? String) ?? (record["no"] as? NSNumber)?.stringValue ?? String(index)
                let id = "\(subject)/\(number)"
                let named = "\(label) (no \(number))"
                guard let question = record["question"] as? String, !question.isEmpty else {
                    checker.report(named, "no question")
                    continue
                }
                let letters = ["A", "B", "C", "D", "E"].filter { $0 < "E" || record[$0] != nil }
                guard let choices = checker.options(letters.map { record[$0] }, names: letters, label: named),
                      let gold = checker.letterAnswer(record["answer"], choices: choices.count, label: named),
                      checker.isNew(id, label: named) else { continue }
                set.items.append(MultipleChoiceItem(id: id, subject: subject, question: question, choices: choices, gold: gold))
            }
            set.problems += checker.problems
        }
        return set
    }
}
