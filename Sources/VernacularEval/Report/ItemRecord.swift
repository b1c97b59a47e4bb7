/// One model's answer to one item: a line of items.jsonl and of the cache.
public struct ItemRecord: Sendable, Codable, Equatable {
    public var model: String
    public var task: String
    public var id: String
    public var subject: String?
    /// The whole prompt the model saw (shots included).
    public var prompt: String
    /// Multiple choice: the option texts, the scored continuations (" A"...), their
    /// log-likelihoods, and the predicted and right choice as indexes.
    public var choices: [String]?
    public var continuations: [String]?
    public var loglikelihoods: [Double]?
    public var prediction: Int?
    /// The prediction after dividing each log-likelihood by its continuation's length in characters.
    public var predictionNorm: Int?
    public var gold: Int?
    public var correct: Bool?
    /// Generation: the answer text, and what it is compared with.
    public var output: String?
    public var reference: String?
    /// gen-math: the last number of the output.
    public var predictedNumber: Double?
    /// answer-language: our langID's label of the output.
    public var language: String?
    /// code-switch: the English terms asked about, and those the answer kept as written.
    public var terms: [String]?
    public var keptTerms: [String]?
    /// ppl: the document's scored tokens, bytes and characters and their negative log-likelihood.
    public var tokens: Int?
    public var bytes: Int?
    public var chars: Int?
    public var negativeLogLikelihood: Double?

    public init(model: String, task: String, id: String, subject: String? = nil, prompt: String) {
        self.model = model
        self.task = task
        self.id = id
        self.subject = subject
        self.prompt = prompt
    }

    enum CodingKeys: String, CodingKey {
        case model, task, id, subject, prompt, choices, continuations, loglikelihoods, prediction, gold, correct, output,
             reference, language, terms, tokens, bytes, chars
        case predictionNorm = "prediction_norm", predictedNumber = "predicted_number", keptTerms = "kept_terms"
        case negativeLogLikelihood = "negative_log_likelihood"
    }
}
