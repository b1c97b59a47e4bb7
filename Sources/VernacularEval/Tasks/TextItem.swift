/// One item of a generation or text task.
public struct TextItem: Sendable, Equatable, Codable {
    public var id: String
    /// The question, the source sentence, the prompt, or (ppl) the document.
    public var text: String
    /// What a good answer is: GSM8K's worked answer, the reference translation.
    public var reference: String?
    /// gen-math: the number after `####`.
    public var number: Double?
    /// code-switch: the English terms the answer should keep as written.
    public var terms: [String]

    public init(id: String, text: String, reference: String? = nil, number: Double? = nil, terms: [String] = []) {
        self.id = id
        self.text = text
        self.reference = reference
        self.number = number
        self.terms = terms
    }
}

/// What a text loader read.
public struct TextItemSet: Sendable {
    public var items: [TextItem] = []
    public var problems: [ItemProblem] = []
    public init(items: [TextItem] = [], problems: [ItemProblem] = []) {
        self.items = items
        self.problems = problems
    }
}
