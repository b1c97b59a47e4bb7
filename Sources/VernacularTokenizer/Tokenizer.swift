import Foundation

/// A token id, as the model's embedding table indexes it.
public typealias TokenID = Int32

/// A BPE tokenizer (byte-level as in Llama 3, Qwen 2/3 and SmolLM2, or SentencePiece-style with
/// byte fallback as in Llama 2 and Gemma 3) that gives the ids Hugging Face `tokenizers` gives.
/// Immutable after loading and safe to share between threads.
public final class Tokenizer: Sendable {
    let model: TokenizerDefinition.Model
    let nfc: Bool
    let merges: PairTable
    let addedMatcher: AddedTokenMatcher
    /// id -> token text (vocabulary entry or added token content).
    let tokenTexts: [String?]
    /// id -> bytes it stands for when decoded.
    let pieceBytes: [[UInt8]]
    /// id -> SentencePiece `<0xNN>` byte token (decoded as one raw byte, not as text).
    let isByteToken: [Bool]
    /// id -> added token that `decode(skipSpecialTokens: true)` drops.
    let isSpecial: [Bool]
    let idForText: [[UInt8]: TokenID]
    /// byte -> initial symbol: the byte-level character token, or the `<0xNN>` fallback token.
    let byteIDs: [TokenID]
    /// Single-scalar tokens, for SentencePiece-style initial symbols.
    let scalarIDs: [UInt32: TokenID]
    let unknownID: TokenID?
    let ignoreMerges: Bool
    let cache = WordCache(slots: 1 << 15)

    /// Beginning-of-sequence token, if the tokenizer has one.
    public let bosTokenID: TokenID?
    /// End-of-sequence token, if the tokenizer has one.
    public let eosTokenID: TokenID?
    /// Whether `encode(_:addSpecialTokens: true)` puts BOS first.
    public let addsBOS: Bool
    /// Whether `encode(_:addSpecialTokens: true)` puts EOS last.
    public let addsEOS: Bool
    /// The tokens matched verbatim before BPE.
    public let addedTokens: [AddedToken]

    /// Number of ids (one more than the largest id).
    public var vocabularySize: Int { tokenTexts.count }

    init(definition d: TokenizerDefinition) throws {
        var size = (d.vocab.values.max() ?? -1) + 1
        for token in d.addedTokens { size = max(size, token.id + 1) }
        guard size > 0 else { throw TokenizerError.malformed("empty vocabulary") }
        for (name, id) in [("BOS", d.bosID), ("EOS", d.eosID), ("unknown", d.unknownID)] {
            if let id, id < 0 || id >= size { throw TokenizerError.tokenIDOutOfRange(name: name, id: Int(id)) }
        }
        for token in d.addedTokens where token.id < 0 {
            throw TokenizerError.tokenIDOutOfRange(name: "added token '\(token.content)'", id: Int(token.id))
        }

        var texts = [String?](repeating: nil, count: Int(size))
        var bytes = [[UInt8]](repeating: [], count: Int(size))
        var byteToken = [Bool](repeating: false, count: Int(size))
        var special = [Bool](repeating: false, count: Int(size))
        var idForText = d.vocab
        for (utf8, id) in d.vocab {
            let text = String(decoding: utf8, as: UTF8.self)
            guard id >= 0 else { throw TokenizerError.tokenIDOutOfRange(name: "token '\(text)'", id: Int(id)) }
            texts[Int(id)] = text
            switch d.model {
            case .byteLevel:
                bytes[Int(id)] = ByteLevelAlphabet.decode(text) ?? Array(text.utf8)
            case .sentencePiece(let options):
                if options.byteFallback, let byte = Tokenizer.fallbackByte(text) {
                    bytes[Int(id)] = [byte]
                    byteToken[Int(id)] = true
                } else {
                    bytes[Int(id)] = Array(text.replacingOccurrences(of: "\u{2581}", with: " ").utf8)
                }
            }
        }
        for token in d.addedTokens {
            texts[Int(token.id)] = token.content
            bytes[Int(token.id)] = Array(token.content.utf8)
            byteToken[Int(token.id)] = false
            special[Int(token.id)] = token.special
            if idForText[Array(token.content.utf8)] == nil { idForText[Array(token.content.utf8)] = token.id }
        }

        var byteIDs = [TokenID](repeating: -1, count: 256)
        var scalarIDs: [UInt32: TokenID] = [:]
        switch d.model {
        case .byteLevel:
            for b in 0..<256 { byteIDs[b] = d.vocab[Array(ByteLevelAlphabet.encode([UInt8(b)]).utf8)] ?? -1 }
        case .sentencePiece(let options):
            if options.byteFallback {
                for b in 0..<256 { byteIDs[b] = d.vocab[Array(String(format: "<0x%02X>", b).utf8)] ?? -1 }
            }
            for (utf8, id) in d.vocab {
                let scalars = String(decoding: utf8, as: UTF8.self).unicodeScalars
                if scalars.count == 1 { scalarIDs[scalars.first!.value] = id }
            }
        }

        self.model = d.model
        self.nfc = d.nfc
        self.merges = try Tokenizer.buildMerges(d.merges, vocab: d.vocab, texts: texts)
        self.addedMatcher = AddedTokenMatcher(d.addedTokens)
        self.tokenTexts = texts
        self.pieceBytes = bytes
        self.isByteToken = byteToken
        self.isSpecial = special
        self.idForText = idForText
        self.byteIDs = byteIDs
        self.scalarIDs = scalarIDs
        self.unknownID = d.unknownID
        self.ignoreMerges = d.ignoreMerges
        self.bosTokenID = d.bosID
        self.eosTokenID = d.eosID
        self.addsBOS = d.addBOS && d.bosID != nil
        self.addsEOS = d.addEOS && d.eosID != nil
        self.addedTokens = d.addedTokens
    }

    /// The id of a vocabulary entry or added token, by its text.
    public func tokenID(for text: String) -> TokenID? { idForText[Array(text.utf8)] }

    /// The text of a token as the vocabulary stores it (byte-level tokens in the GPT-2 alphabet).
    public func tokenText(for id: TokenID) -> String? {
        id >= 0 && Int(id) < tokenTexts.count ? tokenTexts[Int(id)] : nil
    }

    /// `<0xNN>` -> NN.
    static func fallbackByte(_ text: String) -> UInt8? {
        let u = Array(text.utf8)
        guard u.count == 6, u[0] == 0x3C, u[1] == 0x30, u[2] == 0x78, u[5] == 0x3E else { return nil }
        return UInt8(String(decoding: u[3...4], as: UTF8.self), radix: 16)
    }

    static func buildMerges(_ merges: TokenizerDefinition.Merges, vocab: [[UInt8]: Int32], texts: [String?]) throws -> PairTable {
        switch merges {
        case .pairs(let pairs):
            var table = PairTable(expectedCount: pairs.count)
            for (rank, (left, right)) in pairs.enumerated() {
                guard let l = vocab[left], let r = vocab[right], let joined = vocab[left + right] else {
                    let text = String(decoding: left + [0x20] + right, as: UTF8.self)
                    throw TokenizerError.unknownMergeToken(merge: text, index: rank)
                }
                table.insert(left: l, right: r, merge: .init(rank: Int32(rank), result: joined))
            }
            return table
        case .scores(let scores, let mergeable):
            return buildScoreMerges(scores: scores, mergeable: mergeable, vocab: vocab, texts: texts)
        }
    }

    /// SentencePiece BPE merges the adjacent pair whose joined text is the highest-scoring token.
    /// Every way of cutting a token in two known tokens becomes a pair ranked by that score
    /// (ties: lower id first), so the shared merge loop reproduces SentencePiece.
    static func buildScoreMerges(scores: [Float], mergeable: [Bool]?, vocab: [[UInt8]: Int32], texts: [String?]) -> PairTable {
        let ranked = scoreMerges(scores: scores, mergeable: mergeable, vocab: vocab, texts: texts)
        var table = PairTable(expectedCount: ranked.count)
        for merge in ranked {
            table.insert(left: merge.left, right: merge.right, merge: .init(rank: merge.rank, result: merge.result))
        }
        return table
    }

    /// The ranked merges SentencePiece scores imply, in rank order: what `buildScoreMerges`
    /// indexes and what a `tokenizer.json` written for a GGUF "llama" tokenizer lists.
    static func scoreMerges(scores: [Float], mergeable: [Bool]?, vocab: [[UInt8]: Int32], texts: [String?])
        -> [(left: Int32, right: Int32, result: Int32, rank: Int32)] {
        let order = texts.indices.filter { id in
            texts[id] != nil && id < scores.count && (mergeable?[id] ?? true)
        }.sorted { a, b in scores[a] != scores[b] ? scores[a] > scores[b] : a < b }
        var merges: [(left: Int32, right: Int32, result: Int32, rank: Int32)] = []
        merges.reserveCapacity(order.count * 2)
        for (rank, id) in order.enumerated() {
            let utf8 = Array(texts[id]!.utf8)
            // Cut only between characters: never before a UTF-8 continuation byte.
            for cut in 1..<max(utf8.count, 1) where utf8[cut] & 0xC0 != 0x80 {
                guard let l = vocab[Array(utf8[..<cut])], let r = vocab[Array(utf8[cut...])] else { continue }
                merges.append((l, r, Int32(id), Int32(rank)))
            }
        }
        return merges
    }
}
