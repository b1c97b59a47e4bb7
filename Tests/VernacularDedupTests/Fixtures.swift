import Foundation
import VernacularCore
@testable import VernacularDedup

/// A temporary folder removed when the value goes away.
final class TestFolder {
    let path: String

    init(_ label: String = "dedup") throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: file(name)))
    }

    /// Writes documents as JSON Lines with the compression the name asks for.
    func writeDocuments(_ name: String, _ documents: [Document]) throws {
        let (sink, _) = try FileByteSink.create(path: file(name))
        var buffer: [UInt8] = []
        for document in documents { document.appendJSONLine(to: &buffer) }
        try sink.write(buffer)
        try sink.finish()
    }
}

/// Cantonese sentences written for these tests, in the register of forum posts and news
/// reposts that dedup meets.
enum Sentences {
    static let all = [
        "我哋今日去咗旺角食嘢，排咗成個鐘先有位。", "佢話聽日唔返工，因為屋企有啲事要處理。",
        "呢間茶餐廳嘅奶茶好滑，菠蘿油又夠熱。", "天文台話今晚會落大雨，出街記得帶遮。",
        "巴士改咗路線，而家要喺前面個站落車。", "你琴日睇咗場波未呀？最後嗰球真係好犀利。",
        "政府宣佈下個月起調整公共交通票價。", "佢細佬啱啱考完試，成績幾好喎。",
        "點解部電腦成日死機？我已經重裝咗兩次。", "嗰度嘅樓價貴到離譜，後生仔點買得起？",
        "我諗住星期六同朋友去行山，你想唔想一齊？", "醫生叫佢多啲飲水，唔好成日熬夜。",
        "公司今年冇花紅，大家都好唔開心。", "呢本書我睇咗三日就睇完，寫得好好睇。",
        "地鐵站出面有人派傳單，講緊區議會選舉。", "阿媽煲咗湯，叫我哋早啲返屋企食飯。",
        "新開嗰間拉麵店啲湯底好濃，不過有啲鹹。", "佢哋兩個傾咗成晚，仲未決定去邊度旅行。",
        "警方呼籲市民留意電話騙案，唔好隨便俾個人資料。", "今個禮拜啲天氣好悶熱，冷氣開到最大都唔夠。",
        "學校下星期開放日，家長可以入嚟參觀課室。", "呢隻新手機影相好清，但係電池唔夠耐。",
        "佢搬咗去元朗住，返工要搭成個鐘車。", "我唔係唔想幫你，而係真係冇時間。",
        "球會宣佈簽咗一個新前鋒，球迷都好期待。", "啲菜貴咗好多，街市阿姐話係因為落雨。",
        "佢寫嘅歌詞好有意思，每次聽都有新感受。", "聽講嗰條隧道今晚封閉維修，要兜路行。",
        "我細個嗰陣成日喺公園踩單車。", "圖書館延長開放時間，考試期間開到夜晚十點。",
    ]

    /// A document of `count` sentences drawn with a seeded generator.
    static func document(count: Int, random: inout SplitMix64) -> String {
        (0..<count).map { _ in all[Int(random.next() % UInt64(all.count))] }.joined()
    }
}

/// A text of `length` distinct Han characters starting at code point `start`: its character
/// 5-grams are all distinct, so Jaccard similarities between such texts are known exactly.
func distinctHan(start: Int, length: Int) -> String {
    String(String.UnicodeScalarView((0..<length).map { Unicode.Scalar(UInt32(0x4E00 + start + $0))! }))
}

/// Runs a whole dedup job and returns the ids kept (in output order) and the removed records.
func keptAndRemoved(_ folder: String) throws -> (kept: [String], removed: [(id: String, duplicateOf: String?, stage: String)]) {
    var kept: [String] = []
    let shards = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".jsonl.zst") }.sorted()
    for shard in shards {
        try DocumentReading.forEach(path: folder + "/" + shard) { kept.append($0.id) }
    }
    var removed: [(String, String?, String)] = []
    let lines = try String(contentsOfFile: folder + "/removed.jsonl", encoding: .utf8).split(separator: "\n")
    for line in lines {
        guard case .object(let object) = try JSONParser.parse(String(line)) else { continue }
        removed.append((object["id"]!.stringValue!, object["duplicate_of"]?.stringValue, object["stage"]!.stringValue!))
    }
    return (kept, removed)
}

func readDocuments(_ folder: String) throws -> [Document] {
    var documents: [Document] = []
    let shards = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".jsonl.zst") }.sorted()
    for shard in shards { documents += try DocumentReading.readAll(path: folder + "/" + shard) }
    return documents
}
