import Foundation
import VernacularCore
import VernacularModels
import VernacularPack
import VernacularTokenizer

/// Supervised fine-tuning rows from chat records `{"messages": [{"role", "content"}, ...]}`,
/// rendered in the model's own chat format. Only the assistant turns (their text and the
/// end-of-turn marker) count in the loss; the prompt around them is context.
public enum ChatData {
    struct Record: Decodable {
        let messages: [ChatMessage]
    }

    public static func load(paths: [String], tokenizer: Tokenizer, template: ChatTemplate?,
                            sequenceLength: Int) throws -> TrainingSet {
        guard let template else {
            throw TrainingError.data("the model has no chat format we recognise, so --mode sft cannot render chat records")
        }
        var examples: [TrainingExample] = []
        var withoutAssistant: [String] = []
        var truncated = 0
        for file in try DocumentFiles.expandAll(paths) {
            let reader = LineReader(source: try FileByteSource.open(path: file), path: file)
            while let line = try reader.nextLine({ Array($0) }) {
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                let place = "\(file):\(reader.lineNumber)"
                let record: Record
                do {
                    record = try JSONDecoder().decode(Record.self, from: Data(line))
                } catch {
                    throw TrainingError.data("\(place): not a chat record {\"messages\": [{\"role\", \"content\"}...]}: \(error)")
                }
                guard record.messages.contains(where: { $0.role == .assistant }) else {
                    withoutAssistant.append(place)
                    continue
                }
                var example = try render(record.messages, tokenizer: tokenizer, template: template, place: place)
                if example.tokens.count > sequenceLength + 1 {
                    // Keep the start: the first turns are complete, and a cut answer still teaches.
                    example.tokens = Array(example.tokens.prefix(sequenceLength + 1))
                    example.trained = example.trained.map { Array($0.prefix(sequenceLength)) }
                    truncated += 1
                }
                if example.trainedTargets > 0 { examples.append(example) }
            }
        }
        if !withoutAssistant.isEmpty {
            let named = withoutAssistant.prefix(5).joined(separator: ", ")
            throw TrainingError.data("\(withoutAssistant.count) chat record(s) have no assistant turn to learn from: "
                + named + (withoutAssistant.count > 5 ? ", ..." : ""))
        }
        return TrainingSet(examples: examples, skipped: truncated > 0 ? ["truncated_to_seq_len": truncated] : [:])
    }

    /// Tokens of the whole conversation and, per target, whether it is an assistant token.
    /// Rendered turn by turn: the prompt up to each assistant reply is context, the reply and
    /// its end-of-turn marker are trained.
    static func render(_ messages: [ChatMessage], tokenizer: Tokenizer, template: ChatTemplate,
                       place: String) throws -> TrainingExample {
        var tokens: [Int32] = []
        var trainedTokens: [Bool] = []
        if tokenizer.addsBOS, let bos = tokenizer.bosTokenID {
            tokens.append(bos)
            trainedTokens.append(false)
        }
        var renderedSoFar = ""
        for (index, message) in messages.enumerated() where message.role == .assistant {
            let prompt = template.render(Array(messages[..<index]))
            guard prompt.hasPrefix(renderedSoFar) else {
                throw TrainingError.data("\(place): the chat format does not render this conversation turn by turn")
            }
            let context = tokenizer.encode(String(prompt.dropFirst(renderedSoFar.count)), addSpecialTokens: false)
            let reply = tokenizer.encode(message.content + template.endOfTurn, addSpecialTokens: false)
            tokens += context + reply
            trainedTokens += Array(repeating: false, count: context.count) + Array(repeating: true, count: reply.count)
            renderedSoFar = prompt + message.content + template.endOfTurn
        }
        // trained[i] is about predicting tokens[i + 1].
        return TrainingExample(tokens: tokens, trained: Array(trainedTokens.dropFirst()))
    }
}

extension DocumentFiles {
    /// Files that the paths name, each path required to name at least one.
    static func expandAll(_ paths: [String]) throws -> [String] {
        try paths.flatMap { path -> [String] in
            let files = try expand([path])
            guard !files.isEmpty else { throw TrainingError.data("\(path): no such file, or no .jsonl files in it") }
            return files
        }
    }
}
