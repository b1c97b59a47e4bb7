/// Everything a `Tokenizer` is built from, whatever file described it. Loaders fill one in;
/// `Tokenizer.init(definition:)` validates it.
struct TokenizerDefinition: Sendable {
    /// How text becomes initial symbols.
    enum Model: Sendable {
        /// Bytes mapped through the GPT-2 alphabet, words cut by `PreTokenizer`.
        case byteLevel(PreTokenizer)
        /// Unicode characters with ' ' written as U+2581, unknown characters as `<0xNN>` bytes.
        case sentencePiece(SentencePieceOptions)
    }

    /// When SentencePiece-style models prefix a segment with U+2581.
    enum PrependScheme: Sendable {
        /// Never.
        case never
        /// Only a segment that starts the input (Hugging Face `Metaspace` "first").
        case first
        /// Every plain-text segment, also after an added token (`Prepend` normaliser, llama.cpp).
        case always
    }

    struct SentencePieceOptions: Sendable {
        var prepend: PrependScheme = .never
        /// Replace ' ' with U+2581 (true for every SentencePiece model we know).
        var replaceSpaces = true
        var byteFallback = true
        /// Merge runs of unknown characters into one unknown token.
        var fuseUnknown = false
        /// The decoder drops one leading space (the dummy prefix), as Llama 2's `Strip` does.
        var stripLeadingSpace = false
    }

    /// Ranked merges, either listed or implied by token scores.
    enum Merges: Sendable {
        /// Hugging Face / GPT-2: rank is the position in the list; texts as UTF-8.
        case pairs([([UInt8], [UInt8])])
        /// SentencePiece / GGUF "llama": a pair may merge when the joined text is a token;
        /// higher score merges first. `mergeable[id]` says which tokens BPE may produce.
        case scores([Float], mergeable: [Bool]?)
    }

    var model: Model
    var nfc = false
    /// Token text as UTF-8 -> id. Keyed by bytes: `String` keys would merge canonically
    /// equivalent tokens.
    var vocab: [[UInt8]: Int32]
    var merges: Merges
    var addedTokens: [AddedToken] = []
    var unknownID: Int32?
    var bosID: Int32?
    var eosID: Int32?
    var addBOS = false
    var addEOS = false
    /// Hugging Face `ignore_merges`: a word that is itself a token skips BPE.
    var ignoreMerges = false
}
