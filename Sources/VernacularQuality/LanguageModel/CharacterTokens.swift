/// The token convention shared by training, scoring and the kenlm check.
///
/// - A token is one `Character` (extended grapheme cluster) that is not whitespace: Han text has
///   no word boundaries, and characters keep the vocabulary small enough for a 5-gram model.
/// - Each non-empty line of a document is one sentence, scored as `<s> c1 ... cn </s>`: `<s>` is
///   context only, `</s>` is predicted and counted as a token (as kenlm's `perplexity` does).
/// - A character the model has not seen is `<unk>`, with the probability the ARPA file gives it.
///
/// kenlm splits on whitespace, so the same sentences written with `spaced(_:)` give it the same
/// tokens.
public enum CharacterTokens {
    public static let unknown = "<unk>"
    public static let sentenceStart = "<s>"
    public static let sentenceEnd = "</s>"

    /// The sentences of a document: its non-empty lines, each as its tokens.
    public static func sentences(_ text: String) -> [[Substring]] {
        var result: [[Substring]] = []
        for line in text.split(whereSeparator: \.isNewline) {
            var tokens: [Substring] = []
            var index = line.startIndex
            while index < line.endIndex {
                let next = line.index(after: index)
                if !line[index].isWhitespace { tokens.append(line[index..<next]) }
                index = next
            }
            if !tokens.isEmpty { result.append(tokens) }
        }
        return result
    }

    /// A document as kenlm should read it: one sentence a line, tokens separated by spaces.
    public static func spaced(_ text: String) -> String {
        sentences(text).map { $0.joined(separator: " ") }.joined(separator: "\n")
    }
}
