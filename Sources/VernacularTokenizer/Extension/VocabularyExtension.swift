import Foundation

/// New tokens learnt on top of a base tokenizer by continuing its BPE merges on the corpus's
/// words. The merges go after every base merge, so the extended tokenizer first reproduces the
/// base segmentation and then joins pieces: every original id keeps its meaning, and text the
/// new merges do not touch (English, code) encodes exactly as before.
///
/// Byte-level bases (SmolLM2, Qwen, Llama 3) learn on their pre-tokenised words. SentencePiece-
/// style bases (Gemma, Llama 2) have no words, so the words are Han runs (with a leading U+2581
/// when a space precedes them); a frequent Han character the base only reaches through `<0xNN>`
/// byte tokens first becomes a token of its own, which both `tokenizers` and our encoder then
/// pick up as an initial symbol, needing no merge.
public struct VocabularyExtension: Sendable {
    /// One new token: a learnt merge's result, or (SentencePiece-style bases) a new character.
    public struct NewToken: Sendable, Codable, Equatable {
        /// The token's id: base vocabulary size and up, in learning order.
        public var id: Int32
        /// The vocabulary entry (GPT-2 byte alphabet, or U+2581 for spaces).
        public var token: String
        /// Its text (U+FFFD where it ends inside a character).
        public var text: String
        /// The merge that makes it; absent for a new character, which needs none.
        public var left: Int32?
        public var right: Int32?
        /// How often the merge applied (or the character occurred) in the corpus when it was learnt.
        public var count: Int
        /// Its encoding under the base tokenizer: the rows whose mean initialises the new embedding.
        public var pieces: [Int32]

        public init(id: Int32, token: String, text: String, left: Int32?, right: Int32?, count: Int, pieces: [Int32]) {
            self.id = id
            self.token = token
            self.text = text
            self.left = left
            self.right = right
            self.count = count
            self.pieces = pieces
        }
    }

    public let baseVocabularySize: Int
    public let tokens: [NewToken]
    /// Every learnt merge in order, as vocabulary entries: those making new tokens and those
    /// whose result was already a base token that base BPE never reached.
    public let merges: [(left: String, right: String)]

    /// Learns up to `add` new tokens from `texts`. With `hanOnly`, only words containing Han
    /// characters take part, so the budget goes to Chinese-script words and characters.
    public static func learn(
        base: Tokenizer, texts: some Sequence<String>, add: Int, minimumCount: Int = 2, hanOnly: Bool = true
    ) throws -> VocabularyExtension {
        guard add >= 0 else { throw TokenizerError.malformed("cannot add \(add) tokens") }
        if case .sentencePiece(let options) = base.model {
            return try learnSentencePiece(base: base, options: options, texts: texts, add: add,
                                          minimumCount: minimumCount, hanOnly: hanOnly)
        }
        var index: [[UInt8]: Int] = [:]
        var words: [[Int32]] = []
        var counts: [Int] = []
        for text in texts {
            for (bytes, ids) in base.byteLevelWords(text) ?? [] where ids.count > 1 {
                if hanOnly && !containsHan(bytes) { continue }
                if let w = index[bytes] {
                    counts[w] += 1
                } else {
                    index[bytes] = words.count
                    words.append(ids)
                    counts.append(1)
                }
            }
        }
        var learner = MergeLearner(words: words, counts: counts)
        var tokenBytes: [Int32: [UInt8]] = [:]
        func bytes(_ id: Int32) -> [UInt8] { tokenBytes[id] ?? base.tokenBytes(id) }
        var newTokens: [NewToken] = []
        var merges: [(left: Int32, right: Int32)] = []
        var nextID = Int32(base.vocabularySize)
        // Merges into existing base tokens use no budget; the cap on all merges keeps a strange
        // corpus from running long.
        while newTokens.count < add && merges.count < 4 * add + 16 {
            var joined: [UInt8] = []
            var entry = ""
            guard let merge = learner.next(minimumCount: minimumCount, result: { left, right in
                joined = bytes(left) + bytes(right)
                entry = ByteLevelAlphabet.encode(joined)
                return base.tokenID(for: entry) ?? nextID
            }) else { break }
            merges.append((merge.left, merge.right))
            guard merge.result == nextID else { continue }
            tokenBytes[nextID] = joined
            newTokens.append(NewToken(
                id: nextID, token: entry, text: String(decoding: joined, as: UTF8.self), left: merge.left,
                right: merge.right, count: merge.count, pieces: base.byteLevelIDs(joined)))
            nextID += 1
        }
        return VocabularyExtension(baseVocabularySize: base.vocabularySize, tokens: newTokens, merges: merges,
                                   tokenTexts: { id in tokenBytes[id].map { ByteLevelAlphabet.encode($0) } ?? base.tokenText(for: id) ?? "" })
    }

    static func learnSentencePiece(
        base: Tokenizer, options: TokenizerDefinition.SentencePieceOptions, texts: some Sequence<String>, add: Int,
        minimumCount: Int, hanOnly: Bool
    ) throws -> VocabularyExtension {
        // Words as scalars in the U+2581 convention, counted.
        var wordCounts: [[UInt32]: Int] = [:]
        for text in texts {
            for word in sentencePieceWords(text, hanOnly: hanOnly, replaceSpaces: options.replaceSpaces) {
                wordCounts[word, default: 0] += 1
            }
        }
        // Characters the base spells in bytes, most frequent first, become tokens.
        var characterCounts: [UInt32: Int] = [:]
        for (word, count) in wordCounts {
            for scalar in word where base.scalarIDs[scalar] == nil { characterCounts[scalar, default: 0] += count }
        }
        var newTokens: [NewToken] = []
        var newCharacters: [UInt32: Int32] = [:]
        var tokenTexts: [Int32: String] = [:]
        var nextID = Int32(base.vocabularySize)
        let characters = characterCounts.filter { $0.value >= minimumCount && (!hanOnly || SplitPattern.isHan($0.key)) }
            .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        for (scalar, count) in characters.prefix(add) {
            let text = String(Character(Unicode.Scalar(scalar)!))
            newCharacters[scalar] = nextID
            tokenTexts[nextID] = text
            newTokens.append(NewToken(id: nextID, token: text, text: text, left: nil, right: nil, count: count,
                                      pieces: base.sentencePieceIDs(Array(text.unicodeScalars.map(\.value)))))
            nextID += 1
        }
        // Each word as the extended tokenizer cuts it before any new merge, split at byte tokens:
        // a merge must never join `<0xNN>` tokens, whose joined text means nothing.
        var words: [[Int32]] = []
        var counts: [Int] = []
        for (word, count) in wordCounts.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            let ids = base.sentencePieceIDs(word, extraScalars: newCharacters)
            for part in ids.split(whereSeparator: { Int($0) < base.vocabularySize && base.isByteToken[Int($0)] }) where part.count > 1 {
                words.append(Array(part))
                counts.append(count)
            }
        }
        func text(_ id: Int32) -> String { tokenTexts[id] ?? base.tokenText(for: id) ?? "" }
        var learner = MergeLearner(words: words, counts: counts)
        var merges: [(left: Int32, right: Int32)] = []
        while newTokens.count < add && merges.count < 4 * add + 16 {
            var entry = ""
            guard let merge = learner.next(minimumCount: minimumCount, result: { left, right in
                entry = text(left) + text(right)
                return base.tokenID(for: entry) ?? nextID
            }) else { break }
            merges.append((merge.left, merge.right))
            guard merge.result == nextID else { continue }
            tokenTexts[nextID] = entry
            newTokens.append(NewToken(
                id: nextID, token: entry, text: entry.replacingOccurrences(of: "\u{2581}", with: " "), left: merge.left,
                right: merge.right, count: merge.count, pieces: base.sentencePieceIDs(entry.unicodeScalars.map(\.value))))
            nextID += 1
        }
        return VocabularyExtension(baseVocabularySize: base.vocabularySize, tokens: newTokens, merges: merges, tokenTexts: text)
    }

    /// The words of `text` for a SentencePiece-style base: Han runs (every run of non-spaces
    /// when not `hanOnly`), each with a leading U+2581 when a space comes right before it.
    static func sentencePieceWords(_ text: String, hanOnly: Bool, replaceSpaces: Bool) -> [[UInt32]] {
        var words: [[UInt32]] = []
        var current: [UInt32] = []
        var previousWasSpace = false
        func close() {
            if !current.isEmpty && !(current.count == 1 && current[0] == 0x2581) { words.append(current) }
            current.removeAll(keepingCapacity: true)
        }
        for scalar in text.unicodeScalars {
            let value = scalar.value
            let isSpace = value == 0x20
            let belongs = hanOnly ? SplitPattern.isHan(value) : !(isSpace || scalar.properties.isWhitespace)
            if belongs {
                if current.isEmpty && previousWasSpace && replaceSpaces { current.append(0x2581) }
                current.append(value)
            } else {
                close()
            }
            previousWasSpace = isSpace
        }
        close()
        return words
    }

    init(baseVocabularySize: Int, tokens: [NewToken], merges: [(left: Int32, right: Int32)], tokenTexts: (Int32) -> String) {
        self.baseVocabularySize = baseVocabularySize
        self.tokens = tokens
        self.merges = merges.map { (tokenTexts($0.left), tokenTexts($0.right)) }
    }

    /// Han ideographs (URO, extension A, compatibility, and the supplementary planes' extensions).
    static func containsHan(_ bytes: [UInt8]) -> Bool {
        String(decoding: bytes, as: UTF8.self).unicodeScalars.contains { s in
            switch s.value {
            case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x3134F: return true
            default: return false
            }
        }
    }
}
