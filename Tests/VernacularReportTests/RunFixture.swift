import Foundation
import VernacularCore

/// A temporary folder removed when the value goes away.
final class TestFolder {
    let path: String

    init(_ label: String = "vern-report") throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: file(name)))
    }
}

/// Stand-in for the langid stage: writes `meta.yue_share` as the langid stage does (here the share
/// of Han characters among Han and Latin letters) and drops documents under half.
struct ShareStage: Stage {
    let name = "langid"
    func process(_ document: inout Document, counters: inout StageCounters) throws -> Verdict {
        var han = 0, latin = 0
        for scalar in document.text.unicodeScalars {
            if (0x4E00...0x9FFF).contains(scalar.value) { han += 1 } else if scalar.properties.isAlphabetic { latin += 1 }
        }
        let share = han + latin == 0 ? 0 : (Double(han) / Double(han + latin) * 100).rounded() / 100
        document.meta["yue_share"] = JSONValue(share)
        counters.add(share >= 0.5 ? "lang_yue" : "lang_en")
        return share >= 0.5 ? .keep : .drop(DropReason("lang_not_kept", detail: "en \(share)"))
    }
}

/// Stand-in for the quality stage: drops documents under eight characters.
struct ShortStage: Stage {
    let name = "quality"
    func process(_ document: inout Document, counters: inout StageCounters) throws -> Verdict {
        let length = document.text.unicodeScalars.count
        return length >= 8 ? .keep : .drop(DropReason("quality_too_short", detail: "\(length) < 8"))
    }
}

/// Stand-in for the perplexity stage: `meta.lm_perplexity` grows with the share of Latin letters.
struct PerplexityStandIn: Stage {
    let name = "perplexity"
    func process(_ document: inout Document, counters: inout StageCounters) throws -> Verdict {
        let share = document.meta["yue_share"]?.doubleValue ?? 0
        document.meta["lm_perplexity"] = JSONValue(40 + (1 - share) * 400)
        return .keep
    }
}

/// A small run like the demo's: Cantonese conversation, an English notice, short fragments and
/// one post that carries a script tag.
enum RunFixture {
    static let documents: [(id: String, text: String)] = [
        ("hkcancor/1", "A：你食咗飯未呀？\nB：未呀，我哋一陣去茶餐廳食啦，佢哋啲菠蘿油好出名。"),
        ("hkcancor/2", "我今日返工好攰，老細又要我哋加班，真係頂唔順。"),
        ("hkcancor/3", "佢話聽日會落雨，記得帶遮呀，唔好又淋到成身濕。"),
        ("wiki/101", "叮叮係香港人對電車嘅叫法，因為電車行嘅時候會發出叮叮聲。"),
        ("forum/7", "呢個網站話 <script>alert('pwned')</script> 好得意，你哋睇吓先啦！"),
        ("news/en-1", "The MTR Corporation announced that the East Rail line will run extra trains tonight."),
        ("news/en-2", "Weather: a thunderstorm warning is in force; residents should stay indoors."),
        ("sub/1", "好呀。"),
        ("sub/2", "走啦！"),
        ("sub/3", "喂？邊個呀？我係阿明呀，你記唔記得我？"),
    ]

    /// Runs the stand-in stages over the documents into FOLDER/run with dropped documents kept.
    static func run(in folder: TestFolder, extraLines: [String] = []) throws -> String {
        var lines = documents.map { item -> String in
            var bytes: [UInt8] = []
            Document(id: item.id, text: item.text, source: "fixture").appendJSONLine(to: &bytes)
            return String(decoding: bytes, as: UTF8.self)
        }
        lines += extraLines.map { $0 + "\n" }
        try folder.write("input.jsonl", lines.joined())
        let spec = PipelineSpec(input: InputSpec(paths: [folder.file("input.jsonl")]),
                                output: OutputSpec(dir: folder.file("run"), compression: .zstd, keepDropped: true),
                                onError: .skip)
        _ = try ShardRunner(spec: spec, stages: [ShareStage(), ShortStage(), PerplexityStandIn()]).run(workers: 1, progress: .quiet)
        return folder.file("run")
    }
}
