import Foundation
import VernacularLangID
import VernacularModels

/// Turns a model's answer to a prepared item into its record: the prediction, whether it is
/// right, the language label. Pure: the same answer always gives the same record.
struct AnswerScoring {
    let kind: TaskKind
    let classifier: LangIDClassifier?

    func record(model: String, task: String, item: PreparedItem) -> ItemRecord {
        ItemRecord(model: model, task: task, id: item.id, subject: item.subject, prompt: item.prompt)
    }

    func multipleChoice(_ loglikelihoods: [Double], model: String, task: String, item: PreparedItem) -> ItemRecord {
        var record = record(model: model, task: task, item: item)
        guard case .loglikelihood(let request) = item.request, let choice = item.choice else { return record }
        record.choices = choice.choices
        record.continuations = request.continuations
        record.loglikelihoods = loglikelihoods
        record.prediction = Self.argmax(loglikelihoods)
        // acc_norm: each log-likelihood over its continuation's length in characters, as lm-eval.
        record.predictionNorm = Self.argmax(zip(loglikelihoods, request.continuations).map { $0 / Double(max($1.count, 1)) })
        record.gold = choice.gold
        record.correct = record.prediction == choice.gold
        return record
    }

    func generation(_ output: String, model: String, task: String, item: PreparedItem) -> ItemRecord {
        var record = record(model: model, task: task, item: item)
        record.output = output
        record.reference = item.text?.reference
        switch kind {
        case .generateMath:
            record.predictedNumber = MathAnswer.lastNumber(in: output)
            if let gold = item.text?.number { record.correct = MathAnswer.matches(record.predictedNumber, gold) }
        case .answerLanguage:
            record.language = classifier.map { $0.classify(document: output).label.rawValue } ?? LangIDLabel.other.rawValue
        case .codeSwitch:
            let terms = item.text?.terms ?? []
            record.terms = terms
            record.keptTerms = terms.filter { output.contains($0) }
            record.correct = record.keptTerms?.count == terms.count
            record.language = classifier.map { $0.classify(document: output).label.rawValue }
        default: break
        }
        return record
    }

    func perplexity(_ result: PerplexityResult, model: String, task: String, item: PreparedItem) -> ItemRecord {
        var record = record(model: model, task: task, item: item)
        record.prompt = String(item.prompt.prefix(200))  // the document itself is in the input files
        record.tokens = result.tokens
        record.bytes = result.bytes
        record.chars = result.chars
        record.negativeLogLikelihood = result.negativeLogLikelihood
        return record
    }

    /// The first index of the largest value (ties go to the earlier choice, as numpy's argmax).
    static func argmax(_ values: [Double]) -> Int {
        var best = 0
        for index in values.indices where values[index] > values[best] { best = index }
        return best
    }
}
