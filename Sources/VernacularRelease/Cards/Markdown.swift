import Foundation
import Yams

/// Small Markdown and YAML pieces the cards are built from.
enum Markdown {
    /// A pipe table; `|` and line breaks in cells are escaped so a cell never splits the row.
    static func table(_ headers: [String], _ rows: [[String]]) -> String {
        func cell(_ text: String) -> String {
            text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
        }
        var lines = ["| " + headers.map(cell).joined(separator: " | ") + " |",
                     "| " + headers.map { _ in "---" }.joined(separator: " | ") + " |"]
        lines += rows.map { "| " + $0.map(cell).joined(separator: " | ") + " |" }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A fenced code block.
    static func code(_ text: String, language: String = "") -> String {
        "```\(language)\n" + (text.hasSuffix("\n") ? text : text + "\n") + "```\n"
    }

    /// Whole numbers with thousands separators, as people read them (12,345).
    static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var groups: [Substring] = []
        var end = digits.endIndex
        while end > digits.startIndex {
            let start = digits.index(end, offsetBy: -3, limitedBy: digits.startIndex) ?? digits.startIndex
            groups.insert(digits[start..<end], at: 0)
            end = start
        }
        return (value < 0 ? "-" : "") + groups.joined(separator: ",")
    }

    static func decimal(_ value: Double, places: Int = 3) -> String { String(format: "%.\(places)f", value) }

    /// The card's front matter: `---`, the metadata as YAML in field order, `---`.
    static func frontMatter<T: Encodable>(_ metadata: T) throws -> String {
        let encoder = YAMLEncoder()
        encoder.options = .init(allowUnicode: true)
        let yaml = try encoder.encode(metadata)
        return "---\n" + yaml + (yaml.hasSuffix("\n") ? "" : "\n") + "---\n"
    }
}
