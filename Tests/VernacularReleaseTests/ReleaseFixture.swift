import Foundation
import VernacularCore

/// A temporary folder removed when the value goes away.
final class TestFolder {
    let path: String

    init(_ label: String = "vern-release") throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }

    func write(_ name: String, _ text: String) throws {
        let url = URL(fileURLWithPath: file(name))
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }
}

/// Stand-in for the langid stage: the share of Han characters among Han and Latin letters,
/// documents under half dropped as the real stage drops them.
struct HanShareStage: Stage {
    let name = "langid"
    func process(_ document: inout Document, counters: inout StageCounters) throws -> Verdict {
        var han = 0, latin = 0
        for scalar in document.text.unicodeScalars {
            if (0x4E00...0x9FFF).contains(scalar.value) { han += 1 } else if scalar.properties.isAlphabetic { latin += 1 }
        }
        let share = han + latin == 0 ? 0 : Double(han) / Double(han + latin)
        document.meta["yue_share"] = JSONValue((share * 100).rounded() / 100)
        counters.add(share >= 0.5 ? "lang_yue" : "lang_en")
        return share >= 0.5 ? .keep : .drop(DropReason("lang_not_kept"))
    }
}

/// Stand-in for the quality stage: drops documents under ten characters.
struct MinimumLengthStage: Stage {
    let name = "quality"
    func process(_ document: inout Document, counters: inout StageCounters) throws -> Verdict {
        document.text.unicodeScalars.count >= 10 ? .keep : .drop(DropReason("quality_too_short"))
    }
}

/// Stand-in for the pii stage: the one e-mail address of the fixture becomes `<EMAIL>`, counted
/// under the name the real stage uses.
struct EmailStage: Stage {
    let name = "pii"
    func process(_ document: inout Document, counters: inout StageCounters) throws -> Verdict {
        guard document.text.contains("ahming@example.com") else { return .keep }
        document.text = document.text.replacingOccurrences(of: "ahming@example.com", with: "<EMAIL>")
        counters.add("email")
        return .keep
    }
}

/// Stand-in for the decontaminate stage: drops documents quoting the benchmark question.
struct OverlapStage: Stage {
    let name = "decontaminate"
    let question: String
    func process(_ document: inout Document, counters: inout StageCounters) throws -> Verdict {
        guard document.text.contains(question) else { return .keep }
        counters.add("contaminated_documents")
        return .drop(DropReason("benchmark_overlap"))
    }
}

/// A run like the demo's, made by the real shard runner: two ingest folders with their licences
/// in ingest-report.json (conversations under CC BY 4.0, wiki articles under CC BY-SA 4.0) and a
/// file of forum posts read directly, with no licence recorded.
struct ReleaseFixture {
    static let sentences = [
        "你食咗飯未呀？", "未呀，我哋一陣去茶餐廳食啦。", "佢哋啲菠蘿油好出名㗎。", "我今日返工好攰，老細又要我哋加班。",
        "聽日會落雨，記得帶遮呀。", "唔該你幫我攞嗰本書吖。", "我哋坐巴士定係搭地鐵好？", "呢排啲嘢貴咗好多。",
        "你得閒嘅話打俾我啦。", "佢話今晚唔返嚟食飯。", "嗰間舖頭嘅雲吞麵好好味。", "我都唔知點算好。",
    ]
    static let question = "叮叮係香港人對電車嘅叫法，點解？"

    let folder: TestFolder
    /// The pipeline file and the run folder it writes.
    var pipeline: String { folder.file("pipeline.yaml") }
    var runFolder: String { folder.file("run") }

    /// 36 conversations, 6 wiki articles (one quoting the benchmark question), 8 posts (two in
    /// English, two too short): 50 read, 4 dropped by langid and quality... see `expectedKept`.
    static let conversations = 36, articles = 6, posts = 8

    init() throws {
        folder = try TestFolder()
        var conversations: [Document] = []
        for index in 0..<Self.conversations {
            let lines = (0..<5).map { Self.sentences[(index * 5 + $0 * 7) % Self.sentences.count] }
            conversations.append(Document(id: "hkcancor/conv-\(index)", text: lines.joined(separator: "\n"),
                                          source: "hkcancor/conv-\(index).cha", meta: ["speakers": .array([.string("A"), .string("B")])]))
        }
        try Self.ingest(conversations, into: folder.file("corpus"), licence: "cc-by-4.0")
        var articles: [Document] = []
        for index in 0..<Self.articles {
            var text = "香港電車係香港島嘅交通工具，行咗超過一百年。" + Self.sentences[index % Self.sentences.count]
            if index == 3 { text += Self.question }
            articles.append(Document(id: "zh_yuewiki/\(100 + index)", text: text, source: "zh_yuewiki-sample.xml.bz2",
                                     meta: ["title": .string("電車 \(index)")]))
        }
        try Self.ingest(articles, into: folder.file("wiki"), licence: "cc-by-sa-4.0")
        var posts: [String] = []
        for index in 0..<Self.posts {
            let text: String
            switch index {
            case 0: text = "The MTR Corporation announced that the East Rail line will run extra trains tonight."
            case 1: text = "Weather: a thunderstorm warning is in force; residents should stay indoors."
            case 2: text = "好呀。"
            case 3: text = "走啦！"
            case 4: text = "有興趣嘅請電郵 ahming@example.com 搵我，" + Self.sentences[index]
            default: text = "今日去咗旺角行街，" + Self.sentences[index] + Self.sentences[index + 1]
            }
            var bytes: [UInt8] = []
            Document(id: "forum/post-\(index)", text: text, source: "forum").appendJSONLine(to: &bytes)
            posts.append(String(decoding: bytes, as: UTF8.self))
        }
        try folder.write("posts.jsonl", posts.joined())
        try folder.write("pipeline.yaml", """
            # The release tests' pipeline: stand-ins for langid, quality and decontaminate.
            input:
              paths: [corpus/*.jsonl, wiki/*.jsonl, posts.jsonl]
            output:
              dir: run
            stages:
              - langid:
                  min_share: 0.5
              - quality
              - pii:
                  kinds: [email, phone]
              - decontaminate:
                  benchmarks: [eval-sample.jsonl]

            """)
        let spec = try PipelineSpec.load(path: pipeline)
        _ = try ShardRunner(spec: spec, stages: [HanShareStage(), MinimumLengthStage(), EmailStage(), OverlapStage(question: Self.question)])
            .run(workers: 1, progress: .quiet)
    }

    /// Writes documents as `vern ingest` does: shards and an ingest-report.json with the licence.
    static func ingest(_ documents: [Document], into folder: String, licence: String) throws {
        let writer = try DocumentShardWriter(folder: folder, compression: .none, documentsPerShard: 16)
        for document in documents { try writer.write(document) }
        try writer.finish()
        let report = "{\"documents\":\(documents.count),\"files\":1,\"problems_skipped\":0,\"license\":\"\(licence)\",\"command\":[\"vern\",\"ingest\",\"jsonl\",\"in.jsonl\",\"--output\",\"\(folder)\",\"--license\",\"\(licence)\"]}\n"
        try Data(report.utf8).write(to: URL(fileURLWithPath: folder + "/ingest-report.json"))
    }

    var stats: RunStats { get throws { try AtomicJSONFile.read(RunStats.self, from: runFolder + "/stats.json") } }
}
