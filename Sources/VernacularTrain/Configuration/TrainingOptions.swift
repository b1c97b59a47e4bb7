import Foundation

/// What to train on: raw documents (continued pretraining) or chat records (supervised fine-tuning).
public enum TrainingMode: String, Codable, Sendable, CaseIterable {
    case pretrain
    case sft
}

/// Low-rank adaptation settings.
public struct LoRAOptions: Codable, Sendable, Equatable {
    public var rank: Int
    /// The adapter's output is multiplied by alpha / rank.
    public var alpha: Float
    public var dropout: Float
    /// Projection names (the part of the weight name after the layer prefix, without ".weight").
    public var targets: [String]

    /// Every attention and MLP projection, as Chinese-LLaMA adapted them: on a new language
    /// every projection has something to learn.
    public static let allProjections = ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
                                        "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"]

    /// Rank 16 with alpha 32 (scale 2): enough capacity for a new language on a small model,
    /// the scale Chinese-LLaMA used (alpha = 2 r). No dropout: continued pretraining has far
    /// more tokens than adapter weights, so it does not overfit in the budgets we run.
    public init(rank: Int = 16, alpha: Float? = nil, dropout: Float = 0, targets: [String] = LoRAOptions.allProjections) {
        self.rank = rank
        self.alpha = alpha ?? Float(2 * rank)
        self.dropout = dropout
        self.targets = targets
    }

    public var scale: Float { alpha / Float(rank) }

    enum CodingKeys: String, CodingKey { case rank, alpha, dropout, targets }
}

/// Which rows of the embedding (and output head) `trainEmbeddings` trains.
public enum EmbeddingRows: String, Codable, Sendable, CaseIterable {
    /// Every row.
    case all
    /// With an extended tokenizer, only the rows it added: the base model's rows stay as they
    /// were, so the text its tokenizer already covered (English) is read and predicted as before,
    /// and gradients and optimizer state cover the new rows alone. A tied output head is untied
    /// for it (the new output rows start apart from the new input rows). Without an extended
    /// tokenizer there are no new rows, and every row trains.
    case new
}

/// Every setting of a training run. Saved in `RUN_DIR/run.json`; a resume must see the same.
public struct TrainingOptions: Codable, Sendable, Equatable {
    public var mode: TrainingMode = .pretrain
    /// Tokens per training sequence.
    public var sequenceLength = 512
    public var batchSize = 4
    public var gradientAccumulation = 1
    /// Peak learning rate. The default suits LoRA and embedding training under a short budget:
    /// in 3-minute runs of SmolLM2 on HKCanCor with the extended tokenizer, 1e-3 lowered held-out
    /// Cantonese bits/char more than 2e-4 (8.88 against 9.06, from 10.16) with English within
    /// 1.3% of the base. Long runs (Chinese-LLaMA) used 2e-4; full fine-tuning wants far less.
    public var learningRate: Float = TrainingOptions.adapterLearningRate
    public static let adapterLearningRate: Float = 1e-3
    public static let fullFineTuningLearningRate: Float = 5e-5
    /// The cosine decays to this share of the peak.
    public var minimumLearningRateRatio: Float = 0.1
    /// Linear warm-up steps (nil: 5% of the run, at least 1, as Chinese-LLaMA).
    public var warmupSteps: Int? = nil
    public var maxSteps: Int? = nil
    public var maxMinutes: Double? = nil
    /// Decoupled weight decay on matrices (not on norms or biases).
    public var weightDecay: Float = 0.01
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var epsilon: Float = 1e-8
    /// Global gradient-norm clip (0: off).
    public var gradientClip: Float = 1.0
    public var seed: UInt64 = 0
    /// nil: full fine-tuning of every weight.
    public var lora: LoRAOptions? = LoRAOptions()
    /// Train the embedding rows (and an untied output head) fully. On by default when a
    /// tokenizer adds tokens: their rows must learn, and LoRA cannot reach them.
    public var trainEmbeddings = false
    /// Whether the user chose `trainEmbeddings` (else an extended tokenizer turns it on).
    public var trainEmbeddingsSetExplicitly = false
    /// Which rows `trainEmbeddings` trains (runs saved before this setting trained all).
    public var embeddingRows = EmbeddingRows.new
    /// Peak learning rate of the new embedding and output rows (nil: `learningRate`).
    public var embeddingLearningRate: Float? = nil
    public var saveEvery = 50
    public var evalEvery = 50
    /// Share of every batch's rows drawn from the replay data.
    public var replayRatio: Float = 0

    public init() {}

    enum CodingKeys: String, CodingKey {
        case mode, seed, lora
        case sequenceLength = "seq_len", batchSize = "batch_size", gradientAccumulation = "grad_accum"
        case learningRate = "lr", minimumLearningRateRatio = "min_lr_ratio", warmupSteps = "warmup_steps"
        case maxSteps = "max_steps", maxMinutes = "max_minutes", weightDecay = "weight_decay"
        case beta1 = "adam_beta1", beta2 = "adam_beta2", epsilon = "adam_epsilon", gradientClip = "grad_clip"
        case trainEmbeddings = "train_embeddings", saveEvery = "save_every", evalEvery = "eval_every"
        case embeddingRows = "embedding_rows", embeddingLearningRate = "embedding_lr"
        case replayRatio = "replay_ratio"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = TrainingOptions()
        mode = try c.decodeIfPresent(TrainingMode.self, forKey: .mode) ?? defaults.mode
        sequenceLength = try c.decodeIfPresent(Int.self, forKey: .sequenceLength) ?? defaults.sequenceLength
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? defaults.batchSize
        gradientAccumulation = try c.decodeIfPresent(Int.self, forKey: .gradientAccumulation) ?? defaults.gradientAccumulation
        learningRate = try c.decodeIfPresent(Float.self, forKey: .learningRate) ?? defaults.learningRate
        minimumLearningRateRatio = try c.decodeIfPresent(Float.self, forKey: .minimumLearningRateRatio) ?? defaults.minimumLearningRateRatio
        warmupSteps = try c.decodeIfPresent(Int.self, forKey: .warmupSteps)
        maxSteps = try c.decodeIfPresent(Int.self, forKey: .maxSteps)
        maxMinutes = try c.decodeIfPresent(Double.self, forKey: .maxMinutes)
        weightDecay = try c.decodeIfPresent(Float.self, forKey: .weightDecay) ?? defaults.weightDecay
        beta1 = try c.decodeIfPresent(Float.self, forKey: .beta1) ?? defaults.beta1
        beta2 = try c.decodeIfPresent(Float.self, forKey: .beta2) ?? defaults.beta2
        epsilon = try c.decodeIfPresent(Float.self, forKey: .epsilon) ?? defaults.epsilon
        gradientClip = try c.decodeIfPresent(Float.self, forKey: .gradientClip) ?? defaults.gradientClip
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? defaults.seed
        lora = try c.decodeIfPresent(LoRAOptions.self, forKey: .lora)
        trainEmbeddings = try c.decodeIfPresent(Bool.self, forKey: .trainEmbeddings) ?? defaults.trainEmbeddings
        trainEmbeddingsSetExplicitly = true
        embeddingRows = try c.decodeIfPresent(EmbeddingRows.self, forKey: .embeddingRows) ?? .all
        embeddingLearningRate = try c.decodeIfPresent(Float.self, forKey: .embeddingLearningRate)
        saveEvery = try c.decodeIfPresent(Int.self, forKey: .saveEvery) ?? defaults.saveEvery
        evalEvery = try c.decodeIfPresent(Int.self, forKey: .evalEvery) ?? defaults.evalEvery
        replayRatio = try c.decodeIfPresent(Float.self, forKey: .replayRatio) ?? defaults.replayRatio
    }

    /// Equal in every setting that changes what training computes.
    public static func == (a: TrainingOptions, b: TrainingOptions) -> Bool {
        a.mode == b.mode && a.sequenceLength == b.sequenceLength && a.batchSize == b.batchSize
            && a.gradientAccumulation == b.gradientAccumulation && a.learningRate == b.learningRate
            && a.minimumLearningRateRatio == b.minimumLearningRateRatio && a.warmupSteps == b.warmupSteps
            && a.maxSteps == b.maxSteps && a.maxMinutes == b.maxMinutes && a.weightDecay == b.weightDecay
            && a.beta1 == b.beta1 && a.beta2 == b.beta2 && a.epsilon == b.epsilon && a.gradientClip == b.gradientClip
            && a.seed == b.seed && a.lora == b.lora && a.trainEmbeddings == b.trainEmbeddings && a.embeddingRows == b.embeddingRows
            && a.embeddingLearningRate == b.embeddingLearningRate
            && a.saveEvery == b.saveEvery && a.evalEvery == b.evalEvery && a.replayRatio == b.replayRatio
    }

    /// Checks that hold before any data is read.
    public func validate() throws {
        func require(_ condition: Bool, _ message: String) throws {
            if !condition { throw TrainingError.invalidOption(message) }
        }
        try require(sequenceLength >= 8, "--seq-len must be at least 8 (got \(sequenceLength))")
        try require(batchSize >= 1, "--batch-size must be at least 1")
        try require(gradientAccumulation >= 1, "--grad-accum must be at least 1")
        try require(learningRate > 0, "--lr must be positive")
        try require((embeddingLearningRate ?? 1) > 0, "--embedding-lr must be positive")
        try require(maxSteps != nil || maxMinutes != nil, "give --max-steps or --max-minutes")
        try require((maxSteps ?? 1) >= 1, "--max-steps must be at least 1")
        try require((maxMinutes ?? 1) > 0, "--max-minutes must be positive")
        try require(saveEvery >= 1, "--save-every must be at least 1")
        try require(evalEvery >= 1, "--eval-every must be at least 1")
        try require(replayRatio >= 0 && replayRatio < 1, "--replay-ratio must be in [0, 1)")
        if let lora {
            try require(lora.rank >= 1, "--lora-rank must be at least 1")
            try require(lora.dropout >= 0 && lora.dropout < 1, "--lora-dropout must be in [0, 1)")
            try require(!lora.targets.isEmpty, "--lora-targets names no projection")
        }
    }

    /// Sequences per optimizer step.
    public var sequencesPerStep: Int { batchSize * gradientAccumulation }
}
