import VernacularCore
import Yams

/// Turns a step's YAML options into command-line flags (`gap_seconds: 5` to `--gap-seconds 5`,
/// `include_flagged: true` to `--include-flagged`, lists joined with commas), checking each key
/// against the options the command takes, so a misspelt key is an error naming it and its line.
struct StepOptions {
    let file: String
    let section: String

    func flags(from node: Node?, allowed: [String], skipping reserved: Set<String> = []) throws -> [String] {
        guard let node else { return [] }
        guard case .mapping(let mapping) = node else {
            if case .scalar(let scalar) = node, scalar.string.isEmpty || scalar.string == "~" { return [] }
            throw PipelineFileError(file: file, line: node.mark?.line, message: "'\(section)' options must be a mapping")
        }
        var flags: [String] = []
        for (key, value) in mapping {
            let name = key.string ?? "?"
            if reserved.contains(name) { continue }
            guard allowed.contains(name) else {
                let known = (allowed + reserved).sorted().joined(separator: ", ")
                throw PipelineFileError(file: file, line: key.mark?.line, message: "unknown option '\(name)' in '\(section)' (known: \(known))")
            }
            let flag = "--" + name.replacingOccurrences(of: "_", with: "-")
            switch value {
            case .scalar(let scalar):
                if let bool = value.bool, ["true", "false", "yes", "no"].contains(scalar.string.lowercased()) {
                    if bool { flags.append(flag) }
                } else {
                    flags += [flag, scalar.string]
                }
            case .sequence(let items):
                flags += [flag, items.compactMap(\.string).joined(separator: ",")]
            default:
                throw PipelineFileError(file: file, line: value.mark?.line, message: "option '\(name)' in '\(section)' must be a value or a list")
            }
        }
        return flags
    }

    /// A `path:` option: one path or a list, relative to the pipeline file, globs expanded.
    func paths(from node: Node?, folder: String) throws -> [String] {
        guard let value = node?["path"] ?? node?["paths"] else {
            throw PipelineFileError(file: file, line: node?.mark?.line, message: "'\(section)' needs 'path' (a file, folder or glob, or a list)")
        }
        let patterns: [String]
        switch value {
        case .scalar(let scalar): patterns = [scalar.string]
        case .sequence(let items): patterns = items.compactMap(\.string)
        default: throw PipelineFileError(file: file, line: value.mark?.line, message: "'path' in '\(section)' must be a path or a list")
        }
        var resolved: [String] = []
        for pattern in patterns {
            let path = PipelineSpec.resolve(pattern, against: folder)
            // Globs are expanded here (no shell runs the step); folders and plain paths go as they are.
            if path.contains("*") || path.contains("?") || path.contains("[") {
                let matches = ShardPlanner.globFiles(path)
                guard !matches.isEmpty else {
                    throw PipelineFileError(file: file, line: value.mark?.line, message: "'\(pattern)' in '\(section)' matches no file")
                }
                resolved += matches
            } else {
                guard FileSystem.exists(path) else {
                    throw PipelineFileError(file: file, line: value.mark?.line, message: "'\(pattern)' in '\(section)': no such file or folder (\(path))")
                }
                resolved.append(path)
            }
        }
        return resolved
    }
}
