import Foundation

/// One line of a CEDICT-style dictionary (CC-CEDICT, CC-Canto and their kin):
/// `傳統 传统 [chuan2 tong3] {cyun4 tung2} /tradition/traditional/`. Square brackets hold
/// pinyin and braces jyutping, as CC-Canto writes them; either may be missing.
public struct CEDICTEntry: Sendable, Equatable {
    public var traditional: String
    public var simplified: String
    public var pinyin: String?
    public var jyutping: String?
    public var definitions: [String]
    /// Example sentences found among the definitions (`eg: ...`, `例：...`).
    public var examples: [Example]

    public struct Example: Sendable, Equatable {
        public var sentence: String
        /// The translation written after the sentence, if any.
        public var translation: String?
    }

    struct FormatError: Error, CustomStringConvertible {
        let description: String
    }

    /// Prefixes that mark a definition slot as an example sentence.
    static let examplePrefixes = ["eg:", "eg.", "e.g.", "e.g:", "ex:", "例：", "例:", "例句：", "例句:", "例如："]

    /// Parses one line; comments (`#`) and blank lines are not entries and give nil.
    static func parse(_ line: String) throws -> CEDICTEntry? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed.hasPrefix("#") { return nil }
        let words = trimmed.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard words.count == 3 else { throw FormatError(description: "expected 'traditional simplified [reading] /definitions/'") }
        var rest = Substring(words[2])
        var pinyin: String?, jyutping: String?
        while let first = rest.first, first == "[" || first == "{" {
            let close: Character = first == "[" ? "]" : "}"
            guard let end = rest.firstIndex(of: close) else { throw FormatError(description: "'\(first)' without '\(close)'") }
            let reading = rest[rest.index(after: rest.startIndex)..<end].trimmingCharacters(in: .whitespaces)
            if first == "[" { pinyin = reading } else { jyutping = reading }
            rest = rest[rest.index(after: end)...].drop { $0 == " " }
        }
        guard pinyin != nil || jyutping != nil else { throw FormatError(description: "no [pinyin] or {jyutping} reading") }
        // A trailing `# comment` is not part of the definitions.
        if let hash = rest.range(of: " #") { rest = rest[..<hash.lowerBound] }
        var definitions: [String] = []
        var examples: [Example] = []
        if !rest.isEmpty {
            guard rest.hasPrefix("/") else { throw FormatError(description: "definitions must start with '/'") }
            for slot in rest.split(separator: "/") {
                let text = slot.trimmingCharacters(in: .whitespaces)
                if text.isEmpty { continue }
                if let prefix = examplePrefixes.first(where: { text.lowercased().hasPrefix($0) }) {
                    examples.append(example(String(text.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)))
                } else {
                    definitions.append(text)
                }
            }
        }
        return CEDICTEntry(traditional: String(words[0]), simplified: String(words[1]), pinyin: pinyin,
                           jyutping: jyutping, definitions: definitions, examples: examples)
    }

    /// Splits `我食咗飯喇。I have eaten.` into the sentence and its translation: the translation
    /// starts at the first Latin letter after the Chinese text.
    static func example(_ text: String) -> Example {
        var sawHan = false
        for index in text.indices {
            let character = text[index]
            if character.unicodeScalars.contains(where: { $0.value >= 0x2E80 }) { sawHan = true; continue }
            if sawHan, character.isASCII, character.isLetter {
                let sentence = text[..<index].trimmingCharacters(in: .whitespaces)
                let translation = text[index...].trimmingCharacters(in: .whitespaces)
                return Example(sentence: sentence, translation: translation.isEmpty ? nil : translation)
            }
        }
        return Example(sentence: text, translation: nil)
    }
}
