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
