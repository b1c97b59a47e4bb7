import Foundation
import VernacularCore

/// Reads CEDICT-style dictionaries: each entry becomes a document `詞：definition；definition`
/// (readings and both headword forms in `meta`), and each example sentence its own document,
/// since example sentences are the dictionary's running text. A line that is not an entry is a
/// counted skip naming its line.
public struct DictionaryReader: DocumentReader {
    public struct Options: Sendable {
        /// Also write entries, not only example sentences.
        public var entries = true
        public var encoding = TextEncoding.auto
        public init() {}
    }

    public let options: Options
    public var kind: String { "dictionary" }

    public init(options: Options = Options()) {
        self.options = options
    }

    public func accepts(fileName: String) -> Bool {
        let name = InputFiles.formatName(fileName)
        return hasAnySuffix(name, [".u8", ".dict"]) || name.contains("cedict") || name.contains("canto")
    }

    public func read(file: String, policy: ErrorPolicy, report: inout IngestReport,
                     emit: (Document) throws -> Void) throws {
        let source = try DecodingByteSource(path: file, declared: options.encoding)
        defer { report.noteDecoding(file: file, encoding: source.encoding, invalidSequences: source.invalidSequences) }
        let lines = LineReader(source: source, path: file)
        while let line = try lines.nextLine({ String(decoding: $0, as: UTF8.self) }) {
            let entry: CEDICTEntry
            do {
                guard let parsed = try CEDICTEntry.parse(line) else { continue }
                entry = parsed
            } catch {
                report.count("dictionary_lines_bad")
                try report.skip(InputProblem(file: file, line: lines.lineNumber, message: "\(error)"), policy: policy)
                continue
            }
            let id = Document.derivedID(source: file, line: lines.lineNumber)
            var meta = JSONObject()
            meta["headword"] = .string(entry.traditional)
            if entry.simplified != entry.traditional { meta["simplified"] = .string(entry.simplified) }
            if let jyutping = entry.jyutping { meta["jyutping"] = .string(jyutping) }
            if let pinyin = entry.pinyin { meta["pinyin"] = .string(pinyin) }
            if options.entries, !entry.definitions.isEmpty {
                var entryMeta = meta
                entryMeta["kind"] = .string("entry")
                try emit(Document(id: id, text: "\(entry.traditional)：\(entry.definitions.joined(separator: "；"))",
                                  source: file, meta: entryMeta))
            }
            for (number, example) in entry.examples.enumerated() where !example.sentence.isEmpty {
                var exampleMeta = meta
                exampleMeta["kind"] = .string("example")
                if let translation = example.translation { exampleMeta["translation"] = .string(translation) }
                try emit(Document(id: "\(id)#example\(number + 1)", text: example.sentence, source: file, meta: exampleMeta))
            }
        }
    }
}
