/// Why packing or reading a packed dataset failed; each case names the file or document at fault.
public enum PackError: Error, Equatable, CustomStringConvertible {
    /// An `.idx` or `.bin` file that does not follow the Megatron layout.
    case malformedIndex(path: String, reason: String)
    /// A token id that the chosen dtype cannot hold.
    case tokenOutOfRange(id: Int32, dtype: String)
    /// A tokenizer file we cannot load.
    case tokenizer(path: String, reason: String)
    /// A bad setting (split weights, repeat cap, ...).
    case configuration(String)

    public var description: String {
        switch self {
        case .malformedIndex(let path, let reason): return "\(path): not a Megatron indexed dataset: \(reason)"
        case .tokenOutOfRange(let id, let dtype): return "token id \(id) does not fit \(dtype)"
        case .tokenizer(let path, let reason): return "cannot load tokenizer \(path): \(reason)"
        case .configuration(let what): return "bad pack configuration: \(what)"
        }
    }
}
