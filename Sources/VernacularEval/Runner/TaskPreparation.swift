import Foundation

/// Turns a task spec into prepared items: loads the file with the kind's loader, builds prompts
/// and requests, and applies `--limit` (the first N items in file order, subject files in name order).
public enum TaskPreparation {
    public static func prepare(_ spec: TaskSpec, shots defaultShots: Int, limit: Int?) throws -> PreparedTask {
        let shots = try spec.integer("shots", default: defaultShots)
        var task: PreparedTask
        switch spec.kind {
        case .mcYueBenchmark, .mcHKCanto, .mcJSONL:
            var set: MultipleChoiceSet
            switch spec.kind {
            case .mcYueBenchmark: set = try YueBenchmarkLoader.load(path: spec.path)
            case .mcHKCanto: set = try HKCantoLoader.load(path: spec.path)
            default: set = try MultipleChoiceJSONLLoader.load(path: spec.path)
            }
            set.takeExamplesFromItems(shots: shots)
            let prompt = MultipleChoicePrompt(
                template: spec.options["template"] ?? MultipleChoicePrompt.mmluTemplate,
                answerPrefix: spec.options["answer-prefix"] ?? "Answer:",
                description: spec.options["description"] ?? "")
            task = PreparedTask(spec: spec, items: multipleChoice(set, prompt: prompt, shots: shots), problems: set.problems,
                                shots: shots, prompt: prompt)
        case .perplexity:
            let set = try DocumentLoader.load(path: spec.path, textField: spec.options["field"] ?? "text")
            let context = try spec.integer("context", default: 512)
            guard context >= 8 else { throw EvalError(file: spec.path, "option context=\(context) must be at least 8") }
            let items = set.items.map { item in
                PreparedItem(id: item.id, request: .perplexity(text: item.text, context: context), prompt: item.text, text: item,
                             fingerprint: StableHash.hex(["ppl", String(context), item.text]))
            }
            task = PreparedTask(spec: spec, items: items, problems: set.problems, shots: 0)
        case .generateMath:
            var set = try MathLoader.load(path: spec.path, questionField: spec.options["field"] ?? "question")
            let template = spec.options["template"] ?? "問題：{question}\n答案："
            let examples = Array(set.items.prefix(shots))
            set.items.removeFirst(examples.count)
            let prefix = examples.map { fill(template, ["question": $0.text]) + " " + ($0.reference ?? "") + "\n\n" }.joined()
            task = PreparedTask(spec: spec, items: try generation(set.items, spec: spec, maxTokens: 256, stops: ["\n\n", "問題："]) {
                prefix + fill(template, ["question": $0.text])
            }, problems: set.problems, shots: examples.count)
        case .generateTranslate:
            var set = try TranslationLoader.load(path: spec.path, sourceField: spec.options["source"] ?? "source",
                                                 targetField: spec.options["target"] ?? "target")
            let template = spec.options["template"] ?? "將下面嘅句子翻譯做廣東話：\n{source}\n翻譯："
            let examples = Array(set.items.prefix(shots))
            set.items.removeFirst(examples.count)
            let prefix = examples.map { fill(template, ["source": $0.text]) + " " + ($0.reference ?? "") + "\n\n" }.joined()
            task = PreparedTask(spec: spec, items: try generation(set.items, spec: spec, maxTokens: 128, stops: ["\n"]) {
                prefix + fill(template, ["source": $0.text])
            }, problems: set.problems, shots: examples.count)
        case .answerLanguage, .codeSwitch:
            let set = try PromptLoader.load(path: spec.path, field: spec.options["field"] ?? "prompt")
            task = PreparedTask(spec: spec, items: try generation(set.items, spec: spec, maxTokens: 64, stops: [], chat: true) { $0.text },
                                problems: set.problems, shots: 0)
            if spec.kind == .codeSwitch {
                let without = task.items.filter { $0.text?.terms.isEmpty ?? true }
                task.problems += without.map { ItemProblem(file: spec.path, item: $0.id, reason: "the prompt has no English term to keep") }
                task.items.removeAll { $0.text?.terms.isEmpty ?? true }
            }
        }
        if let limit { task.items = Array(task.items.prefix(limit)) }
        return task
    }

    static func multipleChoice(_ set: MultipleChoiceSet, prompt: MultipleChoicePrompt, shots: Int) -> [PreparedItem] {
        var prefixes: [String: String] = [:]
        return set.items.map { item in
            let prefix = prefixes[item.subject] ?? {
                let text = prompt.prefix(subject: item.subject, examples: Array((set.examples[item.subject] ?? []).prefix(shots)))
                prefixes[item.subject] = text
                return text
            }()
            let context = prefix + prompt.text(of: item)
            let continuations = prompt.continuations(for: item)
            return PreparedItem(id: item.id, subject: item.subject,
                                request: .loglikelihood(LoglikelihoodRequest(sharedPrefix: prefix, context: context, continuations: continuations)),
                                prompt: context, choice: item,
                                fingerprint: StableHash.hex(["mc", context] + continuations + [String(item.gold)]))
        }
    }

    static func generation(_ items: [TextItem], spec: TaskSpec, maxTokens: Int, stops: [String], chat: Bool = false,
                           prompt: (TextItem) -> String) throws -> [PreparedItem] {
        let maxTokens = try spec.integer("max-tokens", default: maxTokens)
        let chat = spec.options["chat"].map { ["1", "true", "yes"].contains($0.lowercased()) } ?? chat
        let stops = spec.options["stop"].map { [$0] } ?? stops
        return items.map { item in
            let text = prompt(item)
            let request = GenerationRequest(prompt: text, chat: chat, maxTokens: maxTokens, stopSequences: stops)
            return PreparedItem(id: item.id, request: .generation(request), prompt: text, text: item,
                                fingerprint: StableHash.hex(["gen", text, String(chat), String(maxTokens)] + stops
                                                            + [item.reference ?? "", item.terms.joined(separator: "\u{1}")]))
        }
    }

    static func fill(_ template: String, _ values: [String: String]) -> String {
        values.reduce(template) { $0.replacingOccurrences(of: "{\($1.key)}", with: $1.value) }
    }
}
