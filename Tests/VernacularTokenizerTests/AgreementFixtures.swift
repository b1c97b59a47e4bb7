import Foundation
import VernacularTokenizer

/// The agreement fixtures written by `bench/tokenize/make_agreement_fixtures.py`: shared texts,
/// and per tokenizer the reference ids and decoding of each text.
struct AgreementFixtures {
    struct Case: Decodable {
        var ids: [Int32]
        var decoded: String
    }

    struct Expectation: Decodable {
        var name: String
        /// "hf-json" (a tokenizer.json) or "gguf-json" (GGUF tokenizer metadata as JSON).
        var source: String
        var file: String
        /// Committed beside the fixtures (true) or generated into the references folder.
        var local: Bool
        var reference: String
        var skip: [Int]?
        var cases: [Case]
    }

    static let fixtures: URL = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!

    /// Where the script leaves the large real tokenizers we may not commit.
    static let references = URL(
        fileURLWithPath: ProcessInfo.processInfo.environment["VERNACULAR_TOKENIZER_REFS"] ?? "/tmp/vernacular-tokenizer-refs")

    static let texts: [String] = {
        let data = try! Data(contentsOf: fixtures.appendingPathComponent("texts.json"))
        return try! JSONDecoder().decode([String].self, from: data)
    }()

    static let expectations: [String: Expectation] = {
        let data = try! Data(contentsOf: fixtures.appendingPathComponent("expected.json"))
        let list = try! JSONDecoder().decode([Expectation].self, from: data)
        return Dictionary(uniqueKeysWithValues: list.map { ($0.name, $0) })
    }()

    static func url(for expectation: Expectation) -> URL {
        (expectation.local ? fixtures : references).appendingPathComponent(expectation.file)
    }

    static func isAvailable(_ name: String) -> Bool {
        guard let expectation = expectations[name] else { return false }
        return FileManager.default.fileExists(atPath: url(for: expectation).path)
    }

    static func load(_ expectation: Expectation) throws -> Tokenizer {
        let url = url(for: expectation)
        if expectation.source == "gguf-json" {
            let data = try Data(contentsOf: url)
            return try Tokenizer(gguf: JSONDecoder().decode(GGUFTokenizerData.self, from: data))
        }
        return try Tokenizer(huggingFaceJSONAt: url)
    }
}
