import VernacularCore

/// How released document shards are written. All are JSON Lines, which the `datasets` library's
/// json builder reads; they differ in compression and in what the reader must have installed.
public enum ShardFormat: String, Sendable, CaseIterable, Codable {
    /// Plain text: the largest files, read everywhere.
    case jsonl
    /// gzip, which Python reads with its standard library: `pip install datasets` is enough.
    /// The default for that reason.
    case jsonlGzip = "jsonl.gz"
    /// zstd: smaller and faster, but `datasets` reads it only with the `zstandard` package
    /// installed (checked with datasets 5.2: "Compression type zstd not supported" without it).
    case jsonlZstd = "jsonl.zst"

    /// The file name ending, without the leading dot.
    public var fileExtension: String { rawValue }

    public var compression: Compression {
        switch self {
        case .jsonl: return .none
        case .jsonlGzip: return .gzip
        case .jsonlZstd: return .zstd
        }
    }

    /// Reads `--format`; Parquet is named so the refusal can say why.
    public init(parsing text: String) throws {
        if text.lowercased() == "parquet" {
            throw ReleaseError(path: "--format", message: "parquet needs a Parquet writer, and no maintained Swift library for it is among our packages; use jsonl.gz (the default), jsonl or jsonl.zst")
        }
        guard let format = ShardFormat(rawValue: text.lowercased()) else {
            throw ReleaseError(path: "--format", message: "'\(text)' is not one of \(ShardFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = format
    }
}
