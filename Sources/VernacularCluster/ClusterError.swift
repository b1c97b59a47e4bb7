/// What can go wrong planning, rendering or launching a cluster job, with the file or value at fault.
public enum ClusterError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The training config is unreadable or inconsistent.
    case config(file: String, line: Int?, message: String)
    /// A Hugging Face folder named by `model.hf` lacks what the planner needs.
    case modelFolder(path: String, reason: String)
    /// No setting of the plan fits the devices, so there is nothing to render.
    case nothingFits(String)
    /// Writing a bundle or infrastructure file failed.
    case write(path: String, reason: String)
    /// A bundle folder is missing the file launch needs.
    case bundle(path: String, reason: String)
    /// `sbatch` is not on PATH, or it failed.
    case scheduler(String)

    public var description: String {
        switch self {
        case .config(let file, let line, let message):
            if let line { return "\(file):\(line): \(message)" }
            return "\(file): \(message)"
        case .modelFolder(let path, let reason): return "model folder \(path): \(reason)"
        case .nothingFits(let message): return message
        case .write(let path, let reason): return "cannot write \(path): \(reason)"
        case .bundle(let path, let reason): return "bundle \(path): \(reason)"
        case .scheduler(let message): return message
        }
    }
}
