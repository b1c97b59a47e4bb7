/// Token storage types of Megatron's `.idx` header (codes from `megatron/core/datasets/indexed_dataset.py`).
/// We only write the two integer types token ids need.
public enum MegatronDType: UInt8, Sendable, Codable, CaseIterable {
    case uint16 = 8
    case int32 = 4

    /// Bytes per token in `.bin`.
    public var size: Int { self == .uint16 ? 2 : 4 }

    /// numpy's name, as Megatron and our `pack.json` spell it.
    public var name: String { self == .uint16 ? "uint16" : "int32" }

    /// uint16 halves the `.bin` when every id fits (ids 0 ... 65535); otherwise int32.
    public static func smallest(forVocabularySize size: Int) -> MegatronDType {
        size <= 1 << 16 ? .uint16 : .int32
    }
}
