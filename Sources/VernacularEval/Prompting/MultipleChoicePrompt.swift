/// The prompt of a multiple choice item, as lm-evaluation-harness writes MMLU's:
///
///     [description]{shot 1} X\n\n{shot 2} Y\n\n...{question}\nA. ..\nB. ..\nC. ..\nD. ..\nAnswer:
///
/// and the continuations scored after it: `" A"`, `" B"`, ... (the target delimiter is a space).
/// The template and the answer prefix are settable per task (`答案：` for Cantonese prompts).
public struct MultipleChoicePrompt: Sendable, Equatable, Codable {
    /// `{question}`, `{choices}` (the lettered options, one per line) and `{answer_prefix}`;
    /// `{A}`, `{B}`, ... give single options.
    public var template: String
    public var answerPrefix: String
    /// Written once before the shots; `{subject}` is the subject with `_` as spaces. Empty: none.
    public var description: String
    /// Between the answer prefix and the letter.
    public var targetDelimiter: String
    /// After each shot's letter.
    public var fewShotDelimiter: String

    enum CodingKeys: String, CodingKey {
        case template, description
        case answerPrefix = "answer_prefix", targetDelimiter = "target_delimiter", fewShotDelimiter = "fewshot_delimiter"
    }

    public static let mmluTemplate = "{question}\n{choices}\n{answer_prefix}"

    public init(template: String = Self.mmluTemplate, answerPrefix: String = "Answer:", description: String = "",
                targetDelimiter: String = " ", fewShotDelimiter: String = "\n\n") {
        self.template = template
        self.answerPrefix = answerPrefix
        self.description = description
        self.targetDelimiter = targetDelimiter
        self.fewShotDelimiter = fewShotDelimiter
    }

    /// The item's own text, ending with the answer prefix.
    public func text(of item: MultipleChoiceItem) -> String {
        let lettered = item.choices.enumerated().map { "\(ChoiceLetter.letters[$0.offset]). \($0.element)" }
        var text = template
            .replacingOccurrences(of: "{question}", with: item.question)
            .replacingOccurrences(of: "{choices}", with: lettered.joined(separator: "\n"))
            .replacingOccurrences(of: "{answer_prefix}", with: answerPrefix)
        for (index, choice) in item.choices.enumerated() {
            text = text.replacingOccurrences(of: "{\(ChoiceLetter.letters[index])}", with: choice)
        }
        return text
    }

    /// Everything before the item's own text: the description and the solved examples. Shared by
    /// every item of a subject, so its KV cache is computed once.
    public func prefix(subject: String, examples: [MultipleChoiceItem]) -> String {
        var text = description.replacingOccurrences(of: "{subject}", with: subject.replacingOccurrences(of: "_", with: " "))
        for example in examples {
            text += self.text(of: example) + targetDelimiter + ChoiceLetter.letters[example.gold] + fewShotDelimiter
        }
        return text
    }

    /// The continuations, in choice order.
    public func continuations(for item: MultipleChoiceItem) -> [String] {
        item.choices.indices.map { targetDelimiter + ChoiceLetter.letters[$0] }
    }
}
