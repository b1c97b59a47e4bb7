import Foundation
import Testing

/// `vern init` writes a pipeline that runs as written from any folder: its langid stage finds
/// the language pack of the checkout vern was built in, keeps Cantonese articles whose headings
/// and infobox carry no language, and drops Standard Written Chinese.
@Suite struct InitPipelineTests {
    @Test func theInitPipelineKeepsCantoneseArticlesAndDropsSWC() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vern-init-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("corpus"), withIntermediateDirectories: true)
        let made = try VernBinary.run(["init"], in: folder.path)
        #expect(made.status == 0, "\(made.error)")

        let pipeline = folder.appendingPathComponent("pipeline.yaml")
        var spec = try String(contentsOf: pipeline, encoding: .utf8)
        #expect(spec.contains("- langid:"))
        spec = spec.replacingOccurrences(of: "paths: [corpus/*.jsonl.zst]", with: "paths: [corpus/articles.jsonl]")
        spec = spec.replacingOccurrences(of: "compression: zst ", with: "compression: none ")
        try spec.write(to: pipeline, atomically: true, encoding: .utf8)

        let frame = "name: 茶餐廳\n類型: 餐廳\n發源地: 香港\n歷史\n常見飲品\n飲品\t價錢\n凍奶茶\t20\n凍檸茶\t19\n熱咖啡\t18\n"
        let articles: [(String, String)] = [
            ("yue-article", frame + "茶餐廳係香港一種好常見嘅食肆，賣奶茶同埋多士。"),
            ("swc-article", frame + "茶餐廳是香港一種很常見的食肆，售賣奶茶和多士。"),
            ("simplified-swc", "茶餐厅是香港一种很常见的食肆，他们售卖奶茶和多士。"),
            ("table-only", "飲品\t價錢\n凍奶茶\t20"),
        ]
        let lines = try articles.map { id, text in
            String(decoding: try JSONSerialization.data(withJSONObject: ["id": id, "text": text]), as: UTF8.self)
        }
        try (lines.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent("corpus/articles.jsonl"),
                                                        atomically: true, encoding: .utf8)
        let run = try VernBinary.run(["run", "pipeline.yaml"], in: folder.path)
        #expect(run.status == 0, "\(run.error)")

        let documents = folder.appendingPathComponent("out/cantonese/documents")
        var kept: [String] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: documents.path) {
            let text = try String(contentsOf: documents.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") {
                let record = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                if let id = record?["id"] as? String { kept.append(id) }
            }
        }
        #expect(kept == ["yue-article"])
    }
}
