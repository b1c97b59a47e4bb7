import Foundation

/// Errors reading an ARPA file or training a model, with the file and line where it applies.
public enum LanguageModelError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case malformed(path: String, line: Int, reason: String)
    case badOrder(Int)
    case noText

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "\(path): \(reason)"
        case let .malformed(path, line, reason): return "\(path):\(line): \(reason)"
        case let .badOrder(order): return "order \(order) is outside 1...\(NGram.maxOrder)"
        case .noText: return "no sentences to train on (every document was empty)"
        }
    }
}

/// The log10 probability of a document and how many tokens it was spread over.
public struct DocumentScore: Sendable, Equatable {
    /// Sum of log10 p over every predicted token, `</s>` included.
    public var log10Probability: Double = 0
    /// Predicted tokens: characters plus one `</s>` per sentence (kenlm's count).
    public var tokens = 0
    /// Tokens the model did not know (scored as `<unk>`).
    public var unknown = 0

    /// 10^(-log10 p / tokens), as kenlm's `Model.perplexity`; infinity for an empty document.
    public var perplexity: Double {
        tokens == 0 ? .infinity : pow(10, -log10Probability / Double(tokens))
    }
}

/// A backoff n-gram model as an ARPA file holds it, queried the way kenlm queries it:
/// p(w | h) is the stored probability of `h w` if present, else backoff(h) + p(w | h minus its
/// first token), ending at the unigram (or `<unk>`).
public struct ARPAModel: Sendable {
    /// log10 probability and log10 backoff (0 when the file gives none).
    public struct Entry: Sendable, Equatable {
        public var logProb: Double
        public var backoff: Double
    }

    public let order: Int
    /// Token text by id.
    public let words: [String]
    let ids: [String: UInt32]
    var entries: [NGram: Entry]
    let unknownID: UInt32
    let startID: UInt32
    let endID: UInt32

    /// Builds a model from its words and entries; adds `<unk>`, `<s>` and `</s>` to the
    /// vocabulary when missing (kenlm does the same for `<unk>`, at log10 p = -100).
    public init(order: Int, words: [String], entries: [NGram: Entry]) throws {
        guard (1...NGram.maxOrder).contains(order) else { throw LanguageModelError.badOrder(order) }
        var words = words
        var ids: [String: UInt32] = [:]
        for (i, w) in words.enumerated() { ids[w] = UInt32(i) }
        func intern(_ w: String) -> UInt32 {
            if let id = ids[w] { return id }
            words.append(w)
            ids[w] = UInt32(words.count - 1)
            return UInt32(words.count - 1)
        }
        self.unknownID = intern(CharacterTokens.unknown)
        self.startID = intern(CharacterTokens.sentenceStart)
        self.endID = intern(CharacterTokens.sentenceEnd)
        self.order = order
        self.words = words
        self.ids = ids
        var entries = entries
        let unk = NGram([unknownID])
        if entries[unk] == nil { entries[unk] = Entry(logProb: -100, backoff: 0) }
        self.entries = entries
    }

    /// The entry of an n-gram given as text tokens, if the model holds it.
    public func entry(_ tokens: [String]) -> Entry? {
        var key: [UInt32] = []
        for t in tokens { guard let id = ids[t] else { return nil }; key.append(id) }
        return entries[NGram(key)]
    }

    /// Number of n-grams of each order, from 1.
    public var counts: [Int] {
        var result = [Int](repeating: 0, count: order)
        for key in entries.keys { result[key.count - 1] += 1 }
        return result
    }

    /// log10 p(word | context); `context` holds the preceding ids, oldest first (only the last
    /// order - 1 are used).
    func logProb(_ word: UInt32, context: ArraySlice<UInt32>) -> Double {
        // g = (history, word), longest first; each miss adds backoff(history) and drops the
        // oldest id.
        var g = NGram(context.suffix(order - 1), then: word)
        var backoff = 0.0
        while g.count > 0 {
            if let e = entries[g] { return backoff + e.logProb }
            if g.count > 1 { backoff += entries[g.context]?.backoff ?? 0 }
            g = g.suffix
        }
        // Only reached for a word with no unigram: score it as <unk>, after the backoffs.
        return backoff + (entries[NGram(CollectionOfOne(unknownID))]?.logProb ?? -100)
    }

    /// Scores a document under the `CharacterTokens` convention.
    public func score(_ text: String) -> DocumentScore {
        var result = DocumentScore()
        var ids: [UInt32] = []
        for sentence in CharacterTokens.sentences(text) {
            ids.removeAll(keepingCapacity: true)
            ids.append(startID)
            for token in sentence {
                if let id = self.ids[String(token)] {
                    ids.append(id)
                } else {
                    ids.append(unknownID)
                    result.unknown += 1
                }
            }
            ids.append(endID)
            for i in 1..<ids.count {
                result.log10Probability += logProb(ids[i], context: ids[max(0, i - order + 1)..<i])
            }
            result.tokens += ids.count - 1
        }
        return result
    }
}

// MARK: - ARPA text

extension ARPAModel {
    /// The model as ARPA text: `\data\` counts, then each order's `log10p <tab> words [<tab>
    /// log10 backoff]`, then `\end\`. Entries are sorted so the same model gives the same bytes.
    public func arpaText() -> String {
        var out = "\\data\\\n"
        let byOrder = Dictionary(grouping: entries, by: { $0.key.count })
        for n in 1...order { out += "ngram \(n)=\(byOrder[n]?.count ?? 0)\n" }
        for n in 1...order {
            out += "\n\\\(n)-grams:\n"
            let lines = (byOrder[n] ?? []).map { key, e -> String in
                let text = (0..<key.count).map { words[Int(key[$0])] }.joined(separator: " ")
                var line = "\(Float(e.logProb))\t\(text)"
                if n < order && e.backoff != 0 { line += "\t\(Float(e.backoff))" }
                return line
            }
            for line in lines.sorted() { out += line; out += "\n" }
        }
        out += "\n\\end\\\n"
        return out
    }

    public func write(to path: String) throws {
        do {
            try arpaText().write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw LanguageModelError.unreadable(path: path, reason: "cannot write: \(error.localizedDescription)")
        }
    }

    /// Reads an ARPA file (as kenlm's lmplz or `arpaText()` writes it).
    public static func read(path: String) throws -> ARPAModel {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LanguageModelError.unreadable(path: path, reason: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw LanguageModelError.unreadable(path: path, reason: "not UTF-8")
        }
        return try parse(text, path: path)
    }

    /// Parses ARPA text; `path` only names the source in errors.
    public static func parse(_ text: String, path: String = "<arpa>") throws -> ARPAModel {
        var declared: [Int: Int] = [:]
        var section = 0   // 0: before \data\ or in it; n: in the n-grams section
        var sawData = false, sawEnd = false
        var words: [String] = []
        var ids: [String: UInt32] = [:]
        var entries: [NGram: Entry] = [:]
        var lineNumber = 0
        // Only ASCII blanks separate fields, as in kenlm: a token may be any other character,
        // U+200B or U+3000 included, so Foundation's Unicode trimming would eat tokens.
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            let line = String(raw.drop(while: blank).reversed().drop(while: blank).reversed())
            if line.isEmpty || sawEnd { continue }
            if line == "\\data\\" { sawData = true; continue }
            if line == "\\end\\" { sawEnd = true; continue }
            if line.hasPrefix("\\") && line.hasSuffix("-grams:") {
                guard let n = Int(line.dropFirst().dropLast("-grams:".count)), declared[n] != nil else {
                    throw LanguageModelError.malformed(path: path, line: lineNumber, reason: "section \(line) not declared in \\data\\")
                }
                section = n
                continue
            }
            guard sawData else {
                throw LanguageModelError.malformed(path: path, line: lineNumber, reason: "expected \\data\\ first")
            }
            if section == 0 {
                let parts = line.split(separator: "=")
                guard line.hasPrefix("ngram "), parts.count == 2,
                      let n = Int(parts[0].dropFirst("ngram ".count).trimmingCharacters(in: .whitespaces)),
                      let c = Int(parts[1].trimmingCharacters(in: .whitespaces)), (1...NGram.maxOrder).contains(n), c >= 0
                else {
                    throw LanguageModelError.malformed(path: path, line: lineNumber, reason: "expected 'ngram N=COUNT'")
                }
                declared[n] = c
                continue
            }
            let fields = line.split(whereSeparator: blank)
            guard fields.count == section + 1 || fields.count == section + 2,
                  let p = Double(fields[0]) else {
                throw LanguageModelError.malformed(path: path, line: lineNumber,
                                                   reason: "expected log10p, \(section) words and an optional backoff")
            }
            var backoff = 0.0
            if fields.count == section + 2 {
                guard let b = Double(fields[section + 1]) else {
                    throw LanguageModelError.malformed(path: path, line: lineNumber, reason: "backoff is not a number")
                }
                backoff = b
            }
            var key: [UInt32] = []
            for w in fields[1...section] {
                let word = String(w)
                if let id = ids[word] { key.append(id); continue }
                words.append(word)
                ids[word] = UInt32(words.count - 1)
                key.append(UInt32(words.count - 1))
            }
            entries[NGram(key)] = Entry(logProb: p, backoff: backoff)
        }
        guard sawData, let order = declared.keys.max() else {
            throw LanguageModelError.malformed(path: path, line: lineNumber, reason: "no \\data\\ section")
        }
        guard sawEnd else {
            throw LanguageModelError.malformed(path: path, line: lineNumber, reason: "missing \\end\\ (truncated file?)")
        }
        var held = [Int](repeating: 0, count: order)
        for key in entries.keys { held[key.count - 1] += 1 }
        for (n, c) in declared where held[n - 1] != c {
            throw LanguageModelError.malformed(path: path, line: lineNumber,
                                               reason: "\\data\\ declares \(c) \(n)-grams, the file holds \(held[n - 1])")
        }
        let model = try ARPAModel(order: order, words: words, entries: entries)
        return model
    }
}
