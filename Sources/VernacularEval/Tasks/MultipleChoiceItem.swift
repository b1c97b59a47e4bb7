/// One multiple choice question, as every loader hands it on.
public struct MultipleChoiceItem: Sendable, Equatable, Codable {
    /// Unique within its task: the subject and the item's id or position in its file.
    public var id: String
    public var subject: String
    public var question: String
    public var choices: [String]
    /// Index of the right choice.
    public var gold: Int

    public init(id: String, subject: String, question: String, choices: [String], gold: Int) {
        self.id = id
        self.subject = subject
        self.question = question
        self.choices = choices
        self.gold = gold
    }
}

/// What a multiple choice loader read: the items to score, the examples for few-shot prompts,
/// by subject, and the items it refused.
public struct MultipleChoiceSet: Sendable {
    public var items: [MultipleChoiceItem]
    /// Few-shot examples per subject, in file order (a dev split, or the first items of a subject).
    public var examples: [String: [MultipleChoiceItem]]
    public var problems: [ItemProblem]

    public init(items: [MultipleChoiceItem] = [], examples: [String: [MultipleChoiceItem]] = [:], problems: [ItemProblem] = []) {
        self.items = items
        self.examples = examples
        self.problems = problems
    }

    /// Moves the first `shots` items of each subject that has no examples into its examples, so
    /// a set without a dev split still gets few-shot prompts and never shows an item its own answer.
    public mutating func takeExamplesFromItems(shots: Int) {
        guard shots > 0 else { return }
        var taken: [String: Int] = [:]
        var kept: [MultipleChoiceItem] = []
        for item in items {
            if examples[item.subject] == nil || taken[item.subject] != nil, taken[item.subject, default: 0] < shots {
                taken[item.subject, default: 0] += 1
                examples[item.subject, default: []].append(item)
            } else {
                kept.append(item)
            }
        }
        items = kept
    }
}

/// Choice letters A, B, C, ...: answers in files and the continuations scored.
enum ChoiceLetter {
    static let letters = Array("ABCDEFGHIJ").map(String.init)

    static func index(of text: String) -> Int? {
        letters.firstIndex(of: text.trimmingCharacters(in: .whitespaces).uppercased())
    }
}
