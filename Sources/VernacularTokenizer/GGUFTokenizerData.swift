/// The tokenizer as llama.cpp stores it in GGUF metadata, as plain values. A GGUF reader fills
/// this in from the `tokenizer.ggml.*` keys; the coding keys are those metadata keys, so a JSON
/// dump of the metadata decodes directly.
public struct GGUFTokenizerData: Codable, Equatable, Sendable {
    /// `tokenizer.ggml.model`: "gpt2" (byte-level BPE) or "llama" (SentencePiece BPE).
    public var model: String
    /// `tokenizer.ggml.pre`: the pre-tokeniser name ("smollm", "llama-bpe", "qwen2", ...).
    public var pre: String?
    /// `tokenizer.ggml.tokens`: token texts by id.
    public var tokens: [String]
    /// `tokenizer.ggml.scores`: SentencePiece scores by id (higher merges first).
    public var scores: [Float]?
    /// `tokenizer.ggml.token_type`: `GGUFTokenType` raw values by id.
    public var tokenTypes: [Int32]?
    /// `tokenizer.ggml.merges`: "left right" merges in rank order (byte-level models).
    public var merges: [String]?
    /// `tokenizer.ggml.bos_token_id`.
    public var bosID: Int32?
    /// `tokenizer.ggml.eos_token_id`.
    public var eosID: Int32?
    /// `tokenizer.ggml.unknown_token_id`.
    public var unknownID: Int32?
    /// `tokenizer.ggml.padding_token_id`.
    public var paddingID: Int32?
    /// `tokenizer.ggml.add_bos_token`.
    public var addBOS: Bool?
    /// `tokenizer.ggml.add_eos_token`.
    public var addEOS: Bool?
    /// `tokenizer.ggml.add_space_prefix`: SentencePiece's dummy prefix.
    public var addSpacePrefix: Bool?

    /// The GGUF metadata keys, as llama.cpp writes them.
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case model = "tokenizer.ggml.model"
        case pre = "tokenizer.ggml.pre"
        case tokens = "tokenizer.ggml.tokens"
        case scores = "tokenizer.ggml.scores"
        case tokenTypes = "tokenizer.ggml.token_type"
        case merges = "tokenizer.ggml.merges"
        case bosID = "tokenizer.ggml.bos_token_id"
        case eosID = "tokenizer.ggml.eos_token_id"
        case unknownID = "tokenizer.ggml.unknown_token_id"
        case paddingID = "tokenizer.ggml.padding_token_id"
        case addBOS = "tokenizer.ggml.add_bos_token"
        case addEOS = "tokenizer.ggml.add_eos_token"
        case addSpacePrefix = "tokenizer.ggml.add_space_prefix"
    }

    public init(
        model: String, pre: String? = nil, tokens: [String], scores: [Float]? = nil, tokenTypes: [Int32]? = nil,
        merges: [String]? = nil, bosID: Int32? = nil, eosID: Int32? = nil, unknownID: Int32? = nil,
        paddingID: Int32? = nil, addBOS: Bool? = nil, addEOS: Bool? = nil, addSpacePrefix: Bool? = nil
    ) {
        self.model = model
        self.pre = pre
        self.tokens = tokens
        self.scores = scores
        self.tokenTypes = tokenTypes
        self.merges = merges
        self.bosID = bosID
        self.eosID = eosID
        self.unknownID = unknownID
        self.paddingID = paddingID
        self.addBOS = addBOS
        self.addEOS = addEOS
        self.addSpacePrefix = addSpacePrefix
    }
}

/// llama.cpp's token types (`tokenizer.ggml.token_type`).
public enum GGUFTokenType: Int32, Sendable {
    case normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6
}

extension Tokenizer {
    /// Builds a tokenizer from GGUF tokenizer metadata. Control tokens become special added
    /// tokens and user-defined tokens plain added tokens, both matched before BPE as llama.cpp does.
    public convenience init(gguf: GGUFTokenizerData) throws {
        try self.init(definition: GGUFTokenizerBuilder.definition(from: gguf))
    }
}

enum GGUFTokenizerBuilder {
    static func definition(from g: GGUFTokenizerData) throws -> TokenizerDefinition {
        let count = g.tokens.count
        guard count > 0 else { throw TokenizerError.malformed("tokenizer.ggml.tokens is empty") }
        if let types = g.tokenTypes, types.count != count {
            throw TokenizerError.malformed("tokenizer.ggml.token_type has \(types.count) entries for \(count) tokens")
        }
        var vocab: [[UInt8]: Int32] = [:]
        vocab.reserveCapacity(count)
        // The first id wins for a duplicated text, matching llama.cpp's text-to-id map.
        for (id, text) in g.tokens.enumerated() {
            let utf8 = Array(text.utf8)
            if vocab[utf8] == nil { vocab[utf8] = Int32(id) }
        }

        var added: [AddedToken] = []
        for (id, raw) in (g.tokenTypes ?? []).enumerated() {
            switch GGUFTokenType(rawValue: raw) {
            case .control: added.append(AddedToken(content: g.tokens[id], id: Int32(id), special: true))
            case .userDefined: added.append(AddedToken(content: g.tokens[id], id: Int32(id), special: false))
            default: break
            }
        }

        var definition: TokenizerDefinition
        switch g.model {
        case "gpt2":
            guard let lines = g.merges else { throw TokenizerError.malformed("gpt2 tokenizer without tokenizer.ggml.merges") }
            let merges = try lines.enumerated().map { index, line -> ([UInt8], [UInt8]) in
                let parts = Array(line.utf8).split(separator: 0x20, omittingEmptySubsequences: false)
                guard parts.count == 2 else { throw TokenizerError.malformed("merge #\(index) '\(line)' is not two tokens") }
                return (Array(parts[0]), Array(parts[1]))
            }
            let (preTokenizer, nfc) = try byteLevelPreTokenizer(g.pre)
            definition = TokenizerDefinition(model: .byteLevel(preTokenizer), vocab: vocab, merges: .pairs(merges))
            definition.nfc = nfc
            definition.addBOS = g.addBOS ?? false
        case "llama":
            guard let scores = g.scores, scores.count == count else {
                throw TokenizerError.malformed("llama tokenizer needs one tokenizer.ggml.scores entry per token")
            }
            var options = TokenizerDefinition.SentencePieceOptions()
            let prefix = g.addSpacePrefix ?? true
            options.prepend = prefix ? .always : .never
            options.stripLeadingSpace = prefix
            options.byteFallback = true
            // BPE may only produce normal tokens; control, user-defined and byte tokens come from
            // elsewhere (and some share text with normal tokens).
            let mergeable = g.tokenTypes.map { types in types.map { $0 == GGUFTokenType.normal.rawValue } }
            definition = TokenizerDefinition(
                model: .sentencePiece(options), vocab: vocab, merges: .scores(scores, mergeable: mergeable))
            definition.addBOS = g.addBOS ?? true
        default:
            throw TokenizerError.unsupported(component: "tokenizer.ggml.model", kind: g.model)
        }
        definition.addedTokens = added
        definition.bosID = g.bosID
        definition.eosID = g.eosID
        definition.unknownID = g.unknownID
        definition.addEOS = g.addEOS ?? false
        return definition
    }

    /// llama.cpp's `tokenizer.ggml.pre` names for the patterns we implement.
    static func byteLevelPreTokenizer(_ name: String?) throws -> (PreTokenizer, nfc: Bool) {
        switch name ?? "default" {
        case "default", "gpt-2", "gpt2":
            return (PreTokenizer(digits: nil, pattern: .gpt2), false)
        case "smollm":
            return (PreTokenizer(digits: .individual, pattern: .gpt2), false)
        case "llama3", "llama-bpe", "llama-v3":
            return (PreTokenizer(digits: nil, pattern: .llama3), false)
        case "qwen2":
            // Qwen's Hugging Face tokenizer normalises to NFC; llama.cpp skips it, we follow HF.
            return (PreTokenizer(digits: nil, pattern: .qwen2), true)
        case let other:
            throw TokenizerError.unsupported(component: "tokenizer.ggml.pre", kind: other)
        }
    }
}
