extension Tokenizer {
    /// The pre-tokenised words of `text` (byte-level models only) with each word's ids, the same
    /// cut and merges `encode` uses; nil for SentencePiece-style models, which have no words.
    /// Added tokens are not matched: callers pass plain corpus text.
    func byteLevelWords(_ text: String) -> [(bytes: [UInt8], ids: [TokenID])]? {
        guard case .byteLevel(let preTokenizer) = model else { return nil }
        var result: [(bytes: [UInt8], ids: [TokenID])] = []
        var text = nfc ? NFC.normalize(text) : text
        text.withUTF8 { utf8 in
            var scalars: [UInt32] = []
            var offsets: [Int32] = []
            Tokenizer.decodeScalars(utf8, scalars: &scalars, offsets: &offsets)
            let classes = scalars.map { ScalarClass(Unicode.Scalar($0)!) }
            var ends: [Int] = []
            scalars.withUnsafeBufferPointer { s in
                classes.withUnsafeBufferPointer { c in
                    preTokenizer.split(scalars: s, classes: c, start: 0, end: s.count, ends: &ends)
                }
            }
            var start = 0
            for end in ends {
                let lower = Int(offsets[start])
                let upper = end < offsets.count ? Int(offsets[end]) : utf8.count
                let word = Array(utf8[lower..<upper])
                result.append((word, byteLevelIDs(word)))
                start = end
            }
        }
        return result
    }

    /// BPE over raw bytes with this tokenizer's merges (no pre-tokenisation): the pieces a new
    /// token's bytes have under this tokenizer.
    func byteLevelIDs(_ bytes: [UInt8]) -> [TokenID] {
        var symbols = bytes.compactMap { byte -> TokenID? in
            let id = byteIDs[Int(byte)]
            return id >= 0 ? id : unknownID
        }
        BPEMerger.merge(&symbols, table: merges)
        return symbols
    }

    /// SentencePiece-style BPE over scalars already in the U+2581 convention, with no dummy
    /// prefix: the ids a word (or a new token's text) has under this tokenizer's merges.
    /// `extraScalars` are characters an extension adds, used where this vocabulary has none.
    func sentencePieceIDs(_ scalars: [UInt32], extraScalars: [UInt32: TokenID] = [:]) -> [TokenID] {
        var symbols: [TokenID] = []
        symbols.reserveCapacity(scalars.count * 3)
        for value in scalars {
            if let id = scalarIDs[value] ?? extraScalars[value] {
                symbols.append(id)
                continue
            }
            let fallback = Unicode.UTF8.encode(Unicode.Scalar(value)!)!.map { byteIDs[Int($0)] }
            if !fallback.isEmpty && fallback.allSatisfy({ $0 >= 0 }) {
                symbols.append(contentsOf: fallback)
            } else if let unknownID {
                symbols.append(unknownID)
            }
        }
        BPEMerger.merge(&symbols, table: merges)
        return symbols
    }

    /// Whether this tokenizer is `base` with tokens appended: a larger vocabulary whose first
    /// ids are the base's, byte for byte.
    public func extends(_ base: Tokenizer) -> Bool {
        guard vocabularySize > base.vocabularySize else { return false }
        return (0..<base.vocabularySize).allSatisfy { id in
            tokenTexts[id].map { Array($0.utf8) } == base.tokenTexts[id].map { Array($0.utf8) }
        }
    }

    /// Whether this tokenizer cuts text into byte-level words (Llama 3, Qwen, SmolLM2).
    public var isByteLevel: Bool {
        if case .byteLevel = model { return true }
        return false
    }
}
