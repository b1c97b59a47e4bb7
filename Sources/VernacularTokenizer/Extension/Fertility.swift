/// How many tokens a tokenizer spends on a text: the figure vocabulary work tries to lower.
public struct Fertility: Sendable, Codable, Equatable {
    public var characters = 0
    public var bytes = 0
    public var tokens = 0

    public init() {}

    /// Tokens per character (Unicode scalars): comparable across scripts and tokenizers.
    public var tokensPerCharacter: Double { characters == 0 ? 0 : Double(tokens) / Double(characters) }
    /// UTF-8 bytes per token: how much text each token carries.
    public var bytesPerToken: Double { tokens == 0 ? 0 : Double(bytes) / Double(tokens) }

    /// Adds one text, encoded without special tokens.
    public mutating func add(_ text: String, tokenizer: Tokenizer) {
        characters += text.unicodeScalars.count
        bytes += text.utf8.count
        tokens += tokenizer.encode(text, addSpecialTokens: false).count
    }

    enum CodingKeys: String, CodingKey {
        case characters, bytes, tokens
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: ExtraKeys.self)
        try c.encode(characters, forKey: .characters)
        try c.encode(bytes, forKey: .bytes)
        try c.encode(tokens, forKey: .tokens)
        try c.encode(tokensPerCharacter, forKey: .tokensPerCharacter)
        try c.encode(bytesPerToken, forKey: .bytesPerToken)
    }

    private enum ExtraKeys: String, CodingKey {
        case characters, bytes, tokens
        case tokensPerCharacter = "tokens_per_character"
        case bytesPerToken = "bytes_per_token"
    }
}

/// One tokenizer on one labelled text set: a row of `vern tokenizer stats --json` and of a run's
/// `fertility.json`. Rows after the first tokenizer's carry their change against a baseline:
/// the nearest earlier tokenizer whose vocabulary theirs extends (so base and extended pair up
/// when several bases are measured), else the first tokenizer.
public struct FertilityRow: Sendable, Codable, Equatable {
    public var tokenizer: String
    public var set: String
    public var fertility: Fertility
    /// The tokenizer this row is compared with, on the same set; nil on the baseline's own rows.
    public var baseline: String?
    /// Change in tokens per character against the baseline, in percent (negative: fewer tokens).
    public var tokensPerCharacterChangePercent: Double?
    /// Change in bytes per token against the baseline, in percent (positive: more text per token).
    public var bytesPerTokenChangePercent: Double?

    public init(tokenizer: String, set: String, fertility: Fertility) {
        self.tokenizer = tokenizer
        self.set = set
        self.fertility = fertility
    }

    enum CodingKeys: String, CodingKey {
        case tokenizer, set, fertility, baseline
        case tokensPerCharacterChangePercent = "tokens_per_character_change_percent"
        case bytesPerTokenChangePercent = "bytes_per_token_change_percent"
    }

    /// Measures every tokenizer on every set; rows of the later tokenizers are compared with
    /// their baseline's row for the same set.
    public static func measure(
        tokenizers: [(name: String, tokenizer: Tokenizer)], sets: [(label: String, texts: [String])]
    ) -> [FertilityRow] {
        let baselines = baselineIndices(tokenizers.map(\.tokenizer))
        var rows: [FertilityRow] = []
        for (index, (name, tokenizer)) in tokenizers.enumerated() {
            for (label, texts) in sets {
                var fertility = Fertility()
                for text in texts { fertility.add(text, tokenizer: tokenizer) }
                var row = FertilityRow(tokenizer: name, set: label, fertility: fertility)
                if index > 0, let base = rows.first(where: { $0.tokenizer == tokenizers[baselines[index]].name && $0.set == label }) {
                    row.baseline = base.tokenizer
                    row.tokensPerCharacterChangePercent = percentChange(base.fertility.tokensPerCharacter, fertility.tokensPerCharacter)
                    row.bytesPerTokenChangePercent = percentChange(base.fertility.bytesPerToken, fertility.bytesPerToken)
                }
                rows.append(row)
            }
        }
        return rows
    }

    /// For each tokenizer, the index of its baseline (itself for the first).
    public static func baselineIndices(_ tokenizers: [Tokenizer]) -> [Int] {
        tokenizers.indices.map { i in
            (0..<i).reversed().first { tokenizers[i].extends(tokenizers[$0]) } ?? 0
        }
    }

    static func percentChange(_ before: Double, _ after: Double) -> Double? {
        before == 0 ? nil : (after - before) / before * 100
    }
}
