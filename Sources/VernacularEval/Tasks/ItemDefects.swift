import Foundation

/// The checks every multiple choice loader applies, so each format reports defects the same way.
struct ItemChecker {
    let file: String
    private var seen: Set<String> = []
    private(set) var problems: [ItemProblem] = []

    init(file: String) { self.file = file }

    mutating func report(_ item: String, _ reason: String) {
        problems.append(ItemProblem(file: file, item: item, reason: reason))
    }

    /// False (and reported) for an id met before in this file: the first one is kept.
    mutating func isNew(_ id: String, label: String) -> Bool {
        if seen.insert(id).inserted { return true }
        report(label, "duplicated id '\(id)': only the first item with it is scored")
        return false
    }

    /// The answer as a choice index from a letter, or nil (reported): a number is refused
    /// rather than guessed, because files disagree on whether 1 means A or B.
    mutating func letterAnswer(_ value: Any?, choices: Int, label: String) -> Int? {
        switch value {
        case let text as String:
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if let index = ChoiceLetter.index(of: trimmed) {
                guard index < choices else {
                    report(label, "answer '\(trimmed)' names a choice the item does not have")
                    return nil
                }
                return index
            }
            if trimmed.isEmpty {
                report(label, "no answer")
            } else if Double(trimmed) != nil {
                report(label, "answer '\(trimmed)' is a number, expected a letter A-\(ChoiceLetter.letters[choices - 1])")
            } else {
                report(label, "answer '\(trimmed)' is not a choice letter")
            }
            return nil
        case let number as NSNumber:
            report(label, "answer \(number) is a number, expected a letter A-\(ChoiceLetter.letters[choices - 1])")
            return nil
        case nil, is NSNull:
            report(label, "no answer")
            return nil
        default:
            report(label, "answer is not a letter")
            return nil
        }
    }

    /// The option texts, or nil (reported) when one is missing or empty.
    mutating func options(_ values: [Any?], names: [String], label: String) -> [String]? {
        var texts: [String] = []
        var missing: [String] = []
        for (value, name) in zip(values, names) {
            switch value {
            case let text as String where !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty: texts.append(text)
            case let number as NSNumber: texts.append(number.stringValue)
            default: missing.append(name)
            }
        }
        guard missing.isEmpty else {
            report(label, "missing option\(missing.count > 1 ? "s" : "") \(missing.joined(separator: ", "))")
            return nil
        }
        return texts
    }
}
