import Foundation
import VernacularCore
import Yams

/// The three kinds of synthesis job.
public enum SynthTask: String, Sendable, Codable, CaseIterable {
    case translate, persona, instruct

    /// The placeholders a template of this task may use.
    var placeholders: Set<String> {
        switch self {
        case .translate: ["text", "source_language"]
        case .persona: ["persona", "topic", "kind"]
        case .instruct: ["document"]
        }
    }
}

/// A prompt template file: system and user messages with `{placeholders}` (`{{` and `}}` for
/// literal braces), the sampling settings, and what the task needs besides.
public struct SynthTemplate: Sendable, Equatable {
    /// The file's name without folder or extension, as provenance records it.
    public var name: String
    /// SHA-256 of the file's bytes: a changed template is a new request, never a cache hit.
    public var contentHash: String
    public var task: SynthTask
    public var system: String?
    public var user: String
    public var sampling: SamplingParameters
    /// persona: the kinds of text to write (forum post, review, dialogue).
    public var kinds: [String]
    /// instruct: the labels that open each instruction and each answer in the model's reply.
    public var instructionMarker: String
    public var answerMarker: String
    /// Longer inputs are cut (at a paragraph or sentence end when one is near) before they go out.
    public var maxInputCharacters: Int

    struct File: Decodable, KnownKeys {
        var task: SynthTask
        var system: String?
        var user: String
        var temperature: Double?
        var top_p: Double?
        var max_tokens: Int?
        var seed: Int?
        var stop: [String]?
        var kinds: [String]?
        var instruction_marker: String?
        var answer_marker: String?
        var max_input_characters: Int?

        static let knownKeys = ["task", "system", "user", "temperature", "top_p", "max_tokens", "seed", "stop", "kinds",
                                "instruction_marker", "answer_marker", "max_input_characters"]
    }

    public static func load(path: String) throws -> SynthTemplate {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw SynthError.badTemplate(path: path, reason: "cannot read: \(error.localizedDescription)")
        }
        guard let node = try Yams.compose(yaml: text) else { throw SynthError.badTemplate(path: path, reason: "empty file") }
        let file = try File.decodeStrictly(from: node, file: path, section: "template")
        var sampling = SamplingParameters()
        sampling.temperature = file.temperature ?? sampling.temperature
        sampling.topP = file.top_p
        sampling.maxTokens = file.max_tokens ?? sampling.maxTokens
        sampling.seed = file.seed
        sampling.stop = file.stop
        let template = SynthTemplate(
            name: ((path as NSString).lastPathComponent as NSString).deletingPathExtension,
            contentHash: SHA256.hex(Array(text.utf8)), task: file.task, system: file.system, user: file.user,
            sampling: sampling, kinds: file.kinds ?? [], instructionMarker: file.instruction_marker ?? "問題：",
            answerMarker: file.answer_marker ?? "答案：", maxInputCharacters: file.max_input_characters ?? 2000)
        try template.check(path: path)
        return template
    }

    func check(path: String) throws {
        for (field, text) in [("system", system ?? ""), ("user", user)] {
            for name in try Self.placeholderNames(in: text, path: path) where !task.placeholders.contains(name) {
                let known = task.placeholders.sorted().map { "{\($0)}" }.joined(separator: ", ")
                throw SynthError.badTemplate(path: path, reason: "\(field): unknown placeholder {\(name)} for a \(task.rawValue) template (known: \(known))")
            }
        }
        if sampling.maxTokens < 1 { throw SynthError.badTemplate(path: path, reason: "max_tokens must be at least 1") }
        if task == .persona, kinds.isEmpty {
            throw SynthError.badTemplate(path: path, reason: "a persona template needs `kinds:` (forum post, review, ...)")
        }
        if maxInputCharacters < 1 { throw SynthError.badTemplate(path: path, reason: "max_input_characters must be at least 1") }
    }

    /// The messages for one item.
    public func messages(_ values: [String: String]) -> [ChatMessage] {
        var messages: [ChatMessage] = []
        if let system, !system.isEmpty { messages.append(ChatMessage(role: "system", content: Self.fill(system, values))) }
        messages.append(ChatMessage(role: "user", content: Self.fill(user, values)))
        return messages
    }

    static func placeholderNames(in text: String, path: String) throws -> [String] {
        var names: [String] = []
        var scalars = Array(text.unicodeScalars)[...]
        while let first = scalars.first {
            scalars = scalars.dropFirst()
            if first == "{" {
                if scalars.first == "{" { scalars = scalars.dropFirst(); continue }
                guard let close = scalars.firstIndex(of: "}") else {
                    throw SynthError.badTemplate(path: path, reason: "a '{' without its '}' (write {{ for a literal brace)")
                }
                names.append(String(String.UnicodeScalarView(scalars[..<close])))
                scalars = scalars[(close + 1)...]
            } else if first == "}" {
                if scalars.first == "}" { scalars = scalars.dropFirst() }
            }
        }
        return names
    }

    static func fill(_ text: String, _ values: [String: String]) -> String {
        var out = ""
        var scalars = Array(text.unicodeScalars)[...]
        while let first = scalars.first {
            scalars = scalars.dropFirst()
            if first == "{", scalars.first == "{" { out += "{"; scalars = scalars.dropFirst(); continue }
            if first == "}", scalars.first == "}" { out += "}"; scalars = scalars.dropFirst(); continue }
            if first == "{", let close = scalars.firstIndex(of: "}") {
                let name = String(String.UnicodeScalarView(scalars[..<close]))
                out += values[name] ?? ""
                scalars = scalars[(close + 1)...]
                continue
            }
            out.unicodeScalars.append(first)
        }
        return out
    }
}
