import Foundation

/// New tokens learnt on top of a byte-level base tokenizer by continuing its BPE merges on the
/// corpus's pre-tokenised words. The merges go after every base merge, so the extended tokenizer
/// first reproduces the base segmentation and then joins pieces: every original id keeps its
/// meaning, and text the new merges do not touch (English, code) encodes exactly as before.
public struct VocabularyExtension: Sendable {
    /// One learnt merge and the token it produces.
    public struct NewToken: Sendable, Codable, Equatable {
        /// The token's id: base vocabulary size and up, in learning order.
        public var id: Int32
        /// The vocabulary entry (GPT-2 byte alphabet).
        public var token: String
        /// Its text (U+FFFD where it ends inside a character).
        public var text: String
        /// The merge that makes it.
        public var left: Int32
        public var right: Int32
        /// How often the merge applied in the corpus when it was learnt.
        public var count: Int
        /// Its bytes under the base tokenizer: the rows whose mean initialises the new embedding.
        public var pieces: [Int32]
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
        guard base.isByteLevel else {
            throw TokenizerError.unsupported(component: "vocabulary extension", kind: "SentencePiece-style base (byte-level only)")
        }
        guard add >= 0 else { throw TokenizerError.malformed("cannot add \(add) tokens") }
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
