/// Problems that stop a synthesis job before it sends anything.
public enum SynthError: Error, Sendable, CustomStringConvertible {
    case badTemplate(path: String, reason: String)
    case badInput(path: String, line: Int?, reason: String)
    case noTemplate(task: SynthTask, pack: String)

    public var description: String {
        switch self {
        case .badTemplate(let path, let reason): "\(path): \(reason)"
        case .badInput(let path, let line, let reason): line.map { "\(path):\($0): \(reason)" } ?? "\(path): \(reason)"
        case .noTemplate(let task, let pack): "no --template given and \(pack) names no synth template for '\(task.rawValue)'"
        }
    }
}
