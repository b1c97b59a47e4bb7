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

    /// Trains an order-`order` model on the documents in `paths`, holding out every tenth one to
    /// measure the bucket cutoffs: a 5-gram model nearly memorises its own training text, so
    /// cutoffs measured on it would put every new document in the tail. Each file is read twice
    /// (count, then score the held-out documents), so memory holds counts, not documents.
    public static func train(paths: [String], order: Int = 5, settings: LMSettings = LMSettings(),
                             mapping: DocumentFieldMapping = DocumentFieldMapping()) throws -> Trained {
        var trainer = try KneserNeyTrainer(order: order)
        var documents = 0
        for path in paths {
            try DocumentReading.forEach(path: path, mapping: mapping) {
                if documents % 10 != 9 { trainer.add($0.text) }
                documents += 1
            }
        }
        let result = try trainer.train()
        var perplexities: [Double] = []
        var index = 0
        for path in paths {
            try DocumentReading.forEach(path: path, mapping: mapping) {
                // Under ten documents nothing was held out: the training documents are all there is.
                if index % 10 == 9 || documents < 10 { perplexities.append(result.model.score($0.text).perplexity) }
                index += 1
            }
        }
        return Trained(model: result.model, cutoffs: PerplexityCutoffs.compute(perplexities: perplexities, settings: settings),
                       fallbackOrders: result.fallbackOrders, documents: documents)
    }
}
