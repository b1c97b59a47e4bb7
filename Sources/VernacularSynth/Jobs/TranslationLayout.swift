/// Splits a document into the pieces sent for translation, keeping everything between them
/// (line breaks, blank lines, indentation) to put the answers back in place.
public enum TranslationLayout {
    public enum Part: Sendable, Equatable {
        /// Text kept as it is (separators, lines with no letters).
        case kept(String)
        /// The answer to request number `index` goes here.
        case translated(index: Int)
    }

    /// Paragraphs are lines; a line longer than `maxCharacters` is cut after a sentence end
    /// (。！？.!?) where one is near, so nothing is dropped and no request is over-long.
    public static func split(_ text: String, maxCharacters: Int) -> (parts: [Part], pieces: [String]) {
        var parts: [Part] = []
        var pieces: [String] = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (number, line) in lines.enumerated() {
            if number > 0 { parts.append(.kept("\n")) }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.contains(where: { $0.isLetter }) else {
                if !line.isEmpty { parts.append(.kept(String(line))) }
                continue
            }
            let leading = String(line.prefix(while: { $0 == " " || $0 == "\t" || $0 == "\u{3000}" }))
            if !leading.isEmpty { parts.append(.kept(leading)) }
            for chunk in chunks(of: trimmed, maxCharacters: maxCharacters) {
                parts.append(.translated(index: pieces.count))
                pieces.append(chunk)
            }
        }
        return (parts, pieces)
    }

    /// The document with each piece replaced by its answer.
    public static func join(_ parts: [Part], answers: [String]) -> String {
        var text = ""
        for part in parts {
            switch part {
            case .kept(let kept): text += kept
            case .translated(let index): text += answers[index].trimmingCharacters(in: .whitespacesAndNewlines)
            }
        }
        return text
    }

    static func chunks(of line: String, maxCharacters: Int) -> [String] {
        let characters = Array(line)
        guard characters.count > maxCharacters else { return [line] }
        var chunks: [String] = []
        var start = 0
        let enders: Set<Character> = ["。", "！", "？", ".", "!", "?", "；", ";"]
        while start < characters.count {
            var end = min(start + maxCharacters, characters.count)
            if end < characters.count {
                // Back up to the last sentence end in the second half of the window.
                var cut = end
                while cut > start + maxCharacters / 2, !enders.contains(characters[cut - 1]) { cut -= 1 }
                if cut > start + maxCharacters / 2 { end = cut }
            }
            chunks.append(String(characters[start ..< end]))
            start = end
        }
        return chunks
    }
}
