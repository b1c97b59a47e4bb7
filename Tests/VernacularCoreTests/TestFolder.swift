import Foundation
import VernacularCore

/// A temporary folder removed when the value goes away.
final class TestFolder {
    let path: String

    init(_ label: String = "vern") throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: file(name)))
    }

    func write(_ name: String, bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: file(name)))
    }

    /// Writes documents as JSON Lines with the compression the name asks for.
    func writeDocuments(_ name: String, _ documents: [Document]) throws {
        let (sink, _) = try FileByteSink.create(path: file(name))
        var buffer: [UInt8] = []
        for document in documents { document.appendJSONLine(to: &buffer) }
        try sink.write(buffer)
        try sink.finish()
    }

    /// Reads all documents of a JSON Lines file (any compression).
    func readDocuments(_ name: String) throws -> [Document] {
        try DocumentReading.readAll(path: file(name))
    }
}

/// Cantonese-looking sentences written for these tests.
enum SampleText {
    static let sentences = [
        "我哋今晚去邊度食飯呀？", "佢話聽日唔得閒喎。", "呢間餐廳啲嘢食好好味。", "你食咗飯未呀？",
        "我啱啱先至收工，好攰呀。", "佢哋喺度等緊巴士。", "冇問題，我聽日畀你。", "點解你唔早啲講？",
    ]

    static func document(_ index: Int) -> Document {
        let text = (0..<(1 + index % 4)).map { sentences[(index + $0) % sentences.count] }.joined()
        return Document(id: "doc-\(index)", text: text, source: "sample", meta: ["n": JSONValue(index)])
    }
}
