import Yams

/// Reads back what another card's front matter says, for cards that point at each other.
enum CardFrontMatter {
    struct Fields: Equatable {
        var prettyName: String?
        /// Documents over all splits in `dataset_info`.
        var examples: Int?
        var license: String?
    }

    /// The YAML between the opening `---` and the next `---` line, or nil.
    static func yaml(of card: String) -> String? {
        let lines = card.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first == "---", let end = lines.dropFirst().firstIndex(of: "---") else { return nil }
        return lines[1..<end].joined(separator: "\n")
    }

    static func fields(of card: String) -> Fields {
        guard let text = yaml(of: card), let node = try? Yams.compose(yaml: text) else { return Fields() }
        let splits = node["dataset_info"]?["splits"]?.array() ?? []
        let examples = splits.compactMap { $0["num_examples"]?.int }
        return Fields(prettyName: node["pretty_name"]?.string, examples: examples.isEmpty ? nil : examples.reduce(0, +),
                      license: node["license"]?.string)
    }
}
