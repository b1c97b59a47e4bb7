import Foundation
import VernacularCore

/// Reading task files: folders in name order, whole JSON documents, JSON Lines that tolerate a
/// torn last line.
enum TaskFiles {
    static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// `path` itself when it is a file, else the files under it with one of `extensions`, sorted by
    /// name (the order `--limit` counts in).
    static func list(_ path: String, extensions: Set<String>) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw EvalError(file: path, "no such file or folder")
        }
        guard isDirectory.boolValue else { return [path] }
        let names = try FileManager.default.contentsOfDirectory(atPath: path)
            .filter { extensions.contains(URL(fileURLWithPath: $0).pathExtension.lowercased()) }
            .sorted()
        guard !names.isEmpty else {
            throw EvalError(file: path, "the folder has no .\(extensions.sorted().joined(separator: "/.")) files")
        }
        return names.map { (path as NSString).appendingPathComponent($0) }
    }

    static func text(_ file: String) throws -> String {
        let bytes: [UInt8]
        do { bytes = try readWholeFile(file) } catch { throw EvalError(file: file, "cannot read: \(error)") }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw EvalError(file: file, "not valid UTF-8") }
        return text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
    }

    static func jsonArray(_ file: String) throws -> [Any] {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(try text(file).utf8))
        } catch let error as EvalError {
            throw error
        } catch {
            throw EvalError(file: file, "not valid JSON: \(error.localizedDescription)")
        }
        guard let array = object as? [Any] else { throw EvalError(file: file, "expected a JSON array of items") }
        return array
    }

    /// Each line's object with its line number; lines that are not JSON objects go to `problems`.
    static func jsonLines(_ file: String, problems: inout [ItemProblem]) throws -> [(line: Int, record: [String: Any])] {
        var records: [(Int, [String: Any])] = []
        for (index, line) in try text(file).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            guard let record = (try? JSONSerialization.jsonObject(with: Data(trimmed.utf8))) as? [String: Any] else {
                problems.append(ItemProblem(file: file, item: "line \(index + 1)", reason: "not a JSON object"))
                continue
            }
            records.append((index + 1, record))
        }
        return records
    }
}
