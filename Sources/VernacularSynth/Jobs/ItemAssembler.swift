import VernacularCore

/// One output record of an item, kept or rejected.
public struct ItemOutput: Sendable {
    /// The JSON Lines record, newline included.
    public var line: [UInt8]
    public var rejection: Rejection?
}

/// Turns an item's answers into its output records, each judged by the checker.
public struct ItemAssembler: Sendable {
    public let task: SynthTask
    public let template: SynthTemplate
    public let checker: OutputChecker

    public init(task: SynthTask, template: SynthTemplate, checker: OutputChecker) {
        self.task = task
        self.template = template
        self.checker = checker
    }

    public func outputs(for item: SynthItem, answers: [ChatAnswer]) -> [ItemOutput] {
        let truncated = answers.contains { $0.finishReason == "length" }
        var synth = provenance(item, answers: answers)
        switch item.shape {
        case .translation(let original, let layout):
            let text = TranslationLayout.join(layout, answers: answers.map(\.content))
            synth["source_id"] = .string(original.id)
            synth["source_text"] = .string(original.text)
            var meta = original.meta
            meta["synth"] = .object(synth)
            return [document(Document(id: item.id, text: text, source: item.source, meta: meta), judged: text, truncated: truncated)]
        case .persona(let persona, let topic, let kind):
            synth["persona"] = .string(persona)
            synth["topic"] = .string(topic)
            synth["kind"] = .string(kind)
            let text = answers[0].content.trimmingCharacters(in: .whitespacesAndNewlines)
            return [document(Document(id: item.id, text: text, source: item.source, meta: ["synth": .object(synth)]),
                             judged: text, truncated: truncated)]
        case .instruct(let seed):
            synth["source_id"] = .string(seed.id)
            let pairs = InstructionPairs.parse(answers[0].content, instructionMarker: template.instructionMarker,
                                               answerMarker: template.answerMarker)
            guard !pairs.isEmpty else {
                var meta: JSONObject = ["synth": .object(synth)]
                // A reply cut at the token limit before its first answer is truncated, not malformed.
                let rejection = truncated ? Rejection(.truncated, "finish_reason length, no complete pair")
                    : Rejection(.unparseable, "no '\(template.instructionMarker)' … '\(template.answerMarker)' pair")
                meta["rejected"] = Self.describe(rejection)
                return [ItemOutput(line: Self.chatRecord(id: item.id, messages: [ChatMessage(role: "assistant", content: answers[0].content)],
                                                         source: item.source, meta: meta), rejection: rejection)]
            }
            return pairs.enumerated().map { index, pair in
                var meta: JSONObject = ["synth": .object(synth)]
                // Only the pair's end can have been cut off by the token limit.
                let rejection = checker.judge(pair.instruction + "\n" + pair.answer, truncated: truncated && index == pairs.count - 1)
                if let rejection { meta["rejected"] = Self.describe(rejection) }
                let messages = [ChatMessage(role: "user", content: pair.instruction), ChatMessage(role: "assistant", content: pair.answer)]
                return ItemOutput(line: Self.chatRecord(id: "\(item.id)#\(index + 1)", messages: messages, source: item.source, meta: meta),
                                  rejection: rejection)
            }
        }
    }

    func provenance(_ item: SynthItem, answers: [ChatAnswer]) -> JSONObject {
        var synth: JSONObject = [
            "task": .string(task.rawValue),
            "model": .string(answers.first?.model ?? item.requests[0].model),
            "template": .string(template.name),
            "template_hash": .string(template.contentHash),
            "request_hash": .string(item.requestHash),
        ]
        if item.requests.count > 1 { synth["requests"] = JSONValue(item.requests.count) }
        return synth
    }

    func document(_ document: Document, judged text: String, truncated: Bool) -> ItemOutput {
        var document = document
        let rejection = checker.judge(text, truncated: truncated)
        if let rejection { document.meta["rejected"] = Self.describe(rejection) }
        var line: [UInt8] = []
        document.appendJSONLine(to: &line)
        return ItemOutput(line: line, rejection: rejection)
    }

    static func describe(_ rejection: Rejection) -> JSONValue {
        .object(["reason": .string(rejection.reason.rawValue), "detail": .string(rejection.detail)])
    }

    /// `{"id", "messages", "source", "meta"}`: what `vern train --mode sft` reads.
    static func chatRecord(id: String, messages: [ChatMessage], source: String, meta: JSONObject) -> [UInt8] {
        let record: JSONObject = [
            "id": .string(id),
            "messages": .array(messages.map { .object(["role": .string($0.role), "content": .string($0.content)]) }),
            "source": .string(source),
            "meta": .object(meta),
        ]
        var line: [UInt8] = []
        JSONWriter.append(record, to: &line)
        line.append(0x0A)
        return line
    }
}

/// Instruction and answer pairs in a model's reply, each opened by the template's labels.
public enum InstructionPairs {
    public struct Pair: Sendable, Equatable {
        public var instruction: String
        public var answer: String
    }

    public static func parse(_ reply: String, instructionMarker: String, answerMarker: String) -> [Pair] {
        var pairs: [Pair] = []
        var rest = reply[...]
        while let open = rest.range(of: instructionMarker) {
            let afterOpen = rest[open.upperBound...]
            guard let answer = afterOpen.range(of: answerMarker) else { break }
            let instruction = afterOpen[..<answer.lowerBound]
            let afterAnswer = afterOpen[answer.upperBound...]
            let end = afterAnswer.range(of: instructionMarker)?.lowerBound ?? afterAnswer.endIndex
            let pair = Pair(instruction: instruction.trimmingCharacters(in: .whitespacesAndNewlines),
                            answer: afterAnswer[..<end].trimmingCharacters(in: .whitespacesAndNewlines))
            if !pair.instruction.isEmpty, !pair.answer.isEmpty { pairs.append(pair) }
            rest = afterAnswer[end...]
        }
        return pairs
    }
}
