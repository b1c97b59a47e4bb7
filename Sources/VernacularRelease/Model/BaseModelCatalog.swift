/// What a model card says about a base model: its Hub repository and licence.
public struct BaseModelInfo: Sendable, Equatable {
    public let hubID: String
    public let licence: String
    /// Where the licence terms are, for licences the Hub calls `other` or names by family.
    public let licenceLink: String?
}

/// The base models `make bootstrap` installs, recognised by the name given to `vern train` or
/// by their file name. Others are unknown: the card says so and `--base-model-license` fills in.
public enum BaseModelCatalog {
    static let entries: [(names: [String], info: BaseModelInfo)] = [
        (["smollm2", "smollm2-135m-instruct"],
         BaseModelInfo(hubID: "HuggingFaceTB/SmolLM2-135M-Instruct", licence: "apache-2.0", licenceLink: nil)),
        (["gemma3", "gemma-3-270m"],
         BaseModelInfo(hubID: "google/gemma-3-270m", licence: "gemma", licenceLink: "https://ai.google.dev/gemma/terms")),
    ]

    /// The entry whose name is the run's base model name or starts its file name.
    public static func info(name: String, path: String) -> BaseModelInfo? {
        let file = path.split(separator: "/").last.map { $0.lowercased() } ?? ""
        return entries.first { entry in
            entry.names.contains(name.lowercased()) || entry.names.contains { file.hasPrefix($0) }
        }?.info
    }
}
