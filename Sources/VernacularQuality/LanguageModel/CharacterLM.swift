import VernacularCore

/// Training and scoring over JSON Lines document files, for `vern lm` and library users.
public enum CharacterLM {
    /// A trained model, the bucket cutoffs measured on its training documents, and the orders
    /// whose discounts fell back to defaults (too little text for counts of counts).
    public struct Trained: Sendable {
        public let model: ARPAModel
        public let cutoffs: PerplexityCutoffs?
        public let fallbackOrders: [Int]
        public let documents: Int
    }

    /// Trains an order-`order` model on the documents in `paths` (each read twice: once to count,
    /// once to score for the cutoffs, so memory holds counts, not documents).
    public static func train(paths: [String], order: Int = 5, settings: LMSettings = LMSettings(),
                             mapping: DocumentFieldMapping = DocumentFieldMapping()) throws -> Trained {
        var trainer = try KneserNeyTrainer(order: order)
        var documents = 0
        for path in paths {
            try DocumentReading.forEach(path: path, mapping: mapping) { trainer.add($0.text); documents += 1 }
        }
        let result = try trainer.train()
        var perplexities: [Double] = []
        for path in paths {
            try DocumentReading.forEach(path: path, mapping: mapping) { perplexities.append(result.model.score($0.text).perplexity) }
        }
        return Trained(model: result.model, cutoffs: PerplexityCutoffs.compute(perplexities: perplexities, settings: settings),
                       fallbackOrders: result.fallbackOrders, documents: documents)
    }
}
