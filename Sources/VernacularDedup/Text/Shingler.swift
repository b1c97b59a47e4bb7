/// How a document is cut into the overlapping pieces whose sets MinHash compares.
public struct ShingleOptions: Sendable, Equatable {
    /// n for documents written mostly in a character script (Han, kana, Thai): n consecutive
    /// characters. The language pack sets it (5 for Cantonese; see `langs/yue.yaml`).
    public var characterNgram: Int
    /// n for documents written mostly in space-separated scripts: n consecutive words.
    public var wordNgram: Int
    /// Case, width and digit folding before shingling. Punctuation and whitespace always
    /// separate tokens and never appear in a shingle, whatever this says.
    public var normalization: TextNormalization

    public init(characterNgram: Int = 5, wordNgram: Int = 5, normalization: TextNormalization = TextNormalization()) {
        self.characterNgram = characterNgram
        self.wordNgram = wordNgram
        self.normalization = normalization
    }
}

/// Turns text into shingle hashes. Tokens are single characters of character scripts and
/// whole words (letters, digits, marks) of other scripts, so a mixed Cantonese-English sentence
/// is tokenised sensibly in both parts; n is then chosen by which kind of token is in the
/// majority. Holds reusable buffers: one per worker, not shared between threads.
public final class Shingler {
    public let options: ShingleOptions
    /// Token hashes of the current document (reused; no allocation per document once grown).
    private var tokens: [UInt64] = []
    /// Shingle hashes of the current document.
    public private(set) var shingles: [UInt64] = []

    static let tokenSeed: UInt64 = 0x5EED_0000_0000_0001
    static let shingleSeed: UInt64 = 0x5EED_0000_0000_0002

    public init(_ options: ShingleOptions) {
        self.options = options
    }

    /// Fills `shingles` for `text` and returns how many there are: 0 for a text without a single
    /// letter, digit or character; one shingle of all tokens for a text shorter than n.
    @discardableResult
    public func shingle(_ text: String) -> Int {
        // The buffers move into locals for the loops: appending to a class's stored arrays costs
        // an exclusivity check and a uniqueness check per value, a quarter of this function.
        var tokens = self.tokens, shingles = self.shingles
        self.tokens = []
        self.shingles = []
        defer {
            self.tokens = tokens
            self.shingles = shingles
        }
        tokens.removeAll(keepingCapacity: true)
        shingles.removeAll(keepingCapacity: true)
        let normalization = options.normalization
        // Punctuation never reaches a shingle, so it needs no NFKC.
        let source = normalization.nfkc ? TextNormalizer.nfkc(text, strippingPunctuation: true) : text
        var characterTokens = 0
        var word: UInt64 = 0
        var wordLength: UInt64 = 0
        var scratch: [UInt8] = []
        @inline(__always) func endWord() {
            if wordLength > 0 {
                tokens.append(Hash64.mix(word ^ wordLength, seed: Shingler.tokenSeed))
                word = 0
                wordLength = 0
            }
        }
        for original in source.unicodeScalars {
            let scalar = normalization.nfkc ? TextNormalizer.widthFolded(original) : original
            let kind = ScalarClass.of(scalar)
            switch kind {
            case .character:
                endWord()
                tokens.append(Hash64.mix(UInt64(scalar.value), seed: Shingler.tokenSeed))
                characterTokens += 1
            case .letter, .digit, .mark:
                var value = UInt64(scalar.value)
                if kind == .digit, normalization.digitsToZero {
                    value = 0x30
                } else if kind == .letter, normalization.lowercase {
                    if value >= 0x41 && value <= 0x5A {
                        value |= 0x20
                    } else if value >= 0x80, scalar.properties.changesWhenLowercased {
                        // Rare: hash the lowercase mapping's bytes as one value.
                        scratch.removeAll(keepingCapacity: true)
                        scratch.append(contentsOf: scalar.properties.lowercaseMapping.utf8)
                        value = Hash64.hash(scratch)
                    }
                }
                word = Hash64.mix(word ^ value, seed: Shingler.tokenSeed)
                wordLength += 1
            case .space, .punctuation, .other:
                endWord()
            }
        }
        endWord()
        let count = tokens.count
        guard count > 0 else { return 0 }
        let n = max(1, characterTokens * 2 >= count ? options.characterNgram : options.wordNgram)
        let width = min(n, count)
        shingles.reserveCapacity(count - width + 1)
        tokens.withUnsafeBufferPointer { tokens in
            for start in 0...(count - width) {
                var hash = Shingler.shingleSeed
                for offset in 0..<width { hash = Hash64.mix(hash ^ tokens[start + offset], seed: UInt64(offset)) }
                shingles.append(hash)
            }
        }
        return shingles.count
    }

    /// The shingle set of a text, for exact Jaccard checks (tests, benchmark ground truth).
    public func shingleSet(_ text: String) -> Set<UInt64> {
        shingle(text)
        return Set(shingles)
    }

    /// |A ∩ B| / |A ∪ B| of two shingle sets; 0 when both are empty.
    public static func jaccard(_ a: Set<UInt64>, _ b: Set<UInt64>) -> Double {
        let union = a.union(b).count
        return union == 0 ? 0 : Double(a.intersection(b).count) / Double(union)
    }
}
