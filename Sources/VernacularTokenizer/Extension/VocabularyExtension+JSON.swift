import Foundation

extension VocabularyExtension {
    /// The base `tokenizer.json` with the new tokens appended to `model.vocab` and the learnt
    /// merges to `model.merges`. The base text is edited in place rather than re-serialised, so
    /// every original entry (and canonically equivalent keys that a dictionary would merge) stays
    /// byte for byte as it was.
    public func extendedTokenizerJSON(base: Data) throws -> Data {
        var bytes = [UInt8](base)
        guard let vocabEnd = try Self.endOfValue(key: "vocab", in: bytes, opening: UInt8(ascii: "{")),
              let mergesEnd = try Self.endOfValue(key: "merges", in: bytes, opening: UInt8(ascii: "[")) else {
            throw TokenizerError.malformed("tokenizer.json has no model.vocab object or model.merges list")
        }
        var vocabInsert: [UInt8] = []
        for token in tokens {
            vocabInsert += Array(",".utf8)
            vocabInsert += Self.jsonString(token.token) + Array(":\(token.id)".utf8)
        }
        // The merges list holds "a b" strings (older files) or ["a", "b"] pairs (tokenizers >= 0.20).
        let pairs = Self.lastElementIsList(bytes, listEnd: mergesEnd)
        var mergesInsert: [UInt8] = []
        for (left, right) in merges {
            mergesInsert += Array(",".utf8)
            mergesInsert += pairs ? Array("[".utf8) + Self.jsonString(left) + Array(",".utf8) + Self.jsonString(right) + Array("]".utf8)
                                  : Self.jsonString(left + " " + right)
        }
        // An empty object or list takes no leading comma.
        if Self.isEmpty(bytes, closing: vocabEnd) && !vocabInsert.isEmpty { vocabInsert.removeFirst() }
        if Self.isEmpty(bytes, closing: mergesEnd) && !mergesInsert.isEmpty { mergesInsert.removeFirst() }
        // Insert at the later position first so the earlier offset stays valid.
        for (position, insert) in [(vocabEnd, vocabInsert), (mergesEnd, mergesInsert)].sorted(by: { $0.0 > $1.0 }) {
            bytes.insert(contentsOf: insert, at: position)
        }
        return Data(bytes)
    }

    /// Checks a tokenizer loaded from `extendedTokenizerJSON` against its base: every base id
    /// keeps its text, and each new token has its id.
    public func verify(extended: Tokenizer, base: Tokenizer) throws {
        guard extended.vocabularySize == baseVocabularySize + tokens.count else {
            throw TokenizerError.malformed(
                "extended vocabulary has \(extended.vocabularySize) ids, expected \(baseVocabularySize) + \(tokens.count)")
        }
        // Bytes, not `String ==`, which would let a canonically equivalent text pass.
        for id in 0..<Int32(baseVocabularySize)
        where extended.tokenText(for: id).map { Array($0.utf8) } != base.tokenText(for: id).map { Array($0.utf8) } {
            throw TokenizerError.malformed("id \(id) changed from '\(base.tokenText(for: id) ?? "")' to '\(extended.tokenText(for: id) ?? "")'")
        }
        for token in tokens where extended.tokenID(for: token.token) != token.id {
            throw TokenizerError.malformed("new token '\(token.token)' did not get id \(token.id)")
        }
    }

    /// One entry per new token: its id, text and base pieces, for initialising embedding rows.
    public func mappingJSON() throws -> Data {
        struct Mapping: Encodable {
            var base_vocabulary_size: Int
            var vocabulary_size: Int
            var new_tokens: [NewToken]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(Mapping(base_vocabulary_size: baseVocabularySize,
                                          vocabulary_size: baseVocabularySize + tokens.count, new_tokens: tokens))
    }

    static func jsonString(_ text: String) -> [UInt8] {
        let data = (try? JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])) ?? Data("[\"\"]".utf8)
        return Array(data.dropFirst().dropLast())
    }

    /// Offset of the closing bracket of the value of the first `"key":` whose value opens with `opening`.
    static func endOfValue(key: String, in bytes: [UInt8], opening: UInt8) throws -> Int? {
        let needle = Array("\"\(key)\"".utf8)
        var i = 0
        while i + needle.count <= bytes.count {
            if bytes[i] == needle[0] && Array(bytes[i..<(i + needle.count)]) == needle {
                var j = i + needle.count
                while j < bytes.count, bytes[j] == 0x20 || bytes[j] == 0x0A || bytes[j] == 0x0D || bytes[j] == 0x09 { j += 1 }
                if j < bytes.count, bytes[j] == UInt8(ascii: ":") {
                    j += 1
                    while j < bytes.count, bytes[j] == 0x20 || bytes[j] == 0x0A || bytes[j] == 0x0D || bytes[j] == 0x09 { j += 1 }
                    if j < bytes.count, bytes[j] == opening { return try matchingClose(bytes, from: j) }
                }
                i = j
            } else if bytes[i] == UInt8(ascii: "\"") {
                i = try skipString(bytes, from: i)
            } else {
                i += 1
            }
        }
        return nil
    }

    /// From an opening bracket, the offset of its match (strings skipped).
    static func matchingClose(_ bytes: [UInt8], from start: Int) throws -> Int {
        var depth = 0
        var i = start
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "\""): i = try skipString(bytes, from: i); continue
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 { return i }
            default: break
            }
            i += 1
        }
        throw TokenizerError.malformed("unbalanced brackets from byte \(start)")
    }

    /// From an opening quote, the offset just past the closing one.
    static func skipString(_ bytes: [UInt8], from start: Int) throws -> Int {
        var i = start + 1
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\\") { i += 2; continue }
            if bytes[i] == UInt8(ascii: "\"") { return i + 1 }
            i += 1
        }
        throw TokenizerError.malformed("unterminated string from byte \(start)")
    }

    static func isEmpty(_ bytes: [UInt8], closing: Int) -> Bool {
        var i = closing - 1
        while i >= 0, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i -= 1 }
        return i >= 0 && (bytes[i] == UInt8(ascii: "{") || bytes[i] == UInt8(ascii: "["))
    }

    /// Whether the list's elements are lists: its last element (all are alike) ends with ']'.
    static func lastElementIsList(_ bytes: [UInt8], listEnd: Int) -> Bool {
        var i = listEnd - 1
        while i >= 0, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i -= 1 }
        return i >= 0 && bytes[i] == UInt8(ascii: "]")
    }
}
