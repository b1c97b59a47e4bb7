import Foundation
import VernacularCore
import VernacularLangID
import VernacularQuality
import Yams

/// The `synth:` section of a language pack: default templates and how outputs are judged.
public struct SynthPackSettings: Sendable, Equatable {
    /// Default template file per task, resolved against the pack's folder.
    public var templates: [SynthTask: String]
    /// Document labels an output must get from the pack's langID.
    public var keepLabels: Set<LangIDLabel>
    /// Share of the output's Han characters that must be in Cantonese sentences.
    public var minYueShare: Float
    /// Quality filters that make no sense for short generated texts.
    public var skipQuality: Set<QualityFilter>
    /// Phrases that open a refusal instead of an answer (looked for near the start).
    public var refusalMarkers: [String]

    public init(templates: [SynthTask: String] = [:], keepLabels: Set<LangIDLabel> = [.yue, .mixed], minYueShare: Float = 0.5,
                skipQuality: Set<QualityFilter> = [], refusalMarkers: [String] = []) {
        self.templates = templates
        self.keepLabels = keepLabels
        self.minYueShare = minYueShare
        self.skipQuality = skipQuality
        self.refusalMarkers = refusalMarkers
    }

    struct Section: Decodable, KnownKeys {
        var templates: [String: String]?
        var keep: [String]?
        var min_yue_share: Float?
        var skip_quality: [String]?
        var refusal_markers: [String]?
        static let knownKeys = ["templates", "keep", "min_yue_share", "skip_quality", "refusal_markers"]
    }

    public static func load(packPath path: String) throws -> SynthPackSettings {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw IOError(path: path, message: "cannot read language pack: \(error.localizedDescription)")
        }
        guard let root = try Yams.compose(yaml: text), let node = root["synth"] else { return SynthPackSettings() }
        let section = try Section.decodeStrictly(from: node, file: path, section: "synth")
        let folder = (path as NSString).deletingLastPathComponent
        var settings = SynthPackSettings()
        for (name, file) in section.templates ?? [:] {
            guard let task = SynthTask(rawValue: name) else {
                throw PipelineFileError(file: path, line: node.mark?.line, message: "synth.templates: unknown task '\(name)' (known: translate, persona, instruct)")
            }
            settings.templates[task] = file.hasPrefix("/") ? file : folder + "/" + file
        }
        if let keep = section.keep {
            settings.keepLabels = Set(try keep.map { name in
                guard let label = LangIDLabel(rawValue: name) else {
                    throw PipelineFileError(file: path, line: node.mark?.line, message: "synth.keep: unknown label '\(name)'")
                }
                return label
            })
        }
        settings.minYueShare = section.min_yue_share ?? settings.minYueShare
        settings.skipQuality = Set(try (section.skip_quality ?? []).map { name in
            guard let filter = QualityFilter(rawValue: name) else {
                let known = QualityFilter.allCases.map(\.rawValue).joined(separator: ", ")
                throw PipelineFileError(file: path, line: node.mark?.line, message: "synth.skip_quality: unknown filter '\(name)' (known: \(known))")
            }
            return filter
        })
        settings.refusalMarkers = section.refusal_markers ?? []
        return settings
    }
}
