import Foundation
import VernacularCore
import VernacularPack
import VernacularTokenizer

/// Continued-pretraining rows: documents tokenised and packed end to end, the end-of-document
/// token after each (as Megatron packs them), cut into rows of `sequenceLength` + 1 tokens that
/// overlap by one, so every token after the first is a target exactly once.
public enum PretrainingData {
    /// Reads document shards (JSON Lines, .gz, .zst), plain text files (paragraphs as documents)
    /// or `vern pack` folders (their train split), in the order given.
    public static func load(paths: [String], tokenizer: Tokenizer, sequenceLength: Int,
                            progress: ((Int) -> Void)? = nil) throws -> TrainingSet {
        let stream = try tokenStream(paths: paths, tokenizer: tokenizer, progress: progress)
        return TrainingSet(examples: rows(of: stream, sequenceLength: sequenceLength))
    }

    /// The documents' tokens end to end, each document followed by the end-of-document token.
    public static func tokenStream(paths: [String], tokenizer: Tokenizer, progress: ((Int) -> Void)? = nil) throws -> [Int32] {
        guard let endOfDocument = tokenizer.eosTokenID else {
            throw TrainingError.tokenizerMismatch("the tokenizer has no end-of-sequence token to put between documents")
        }
        var stream: [Int32] = []
        var documents = 0
        func add(_ text: String) {
            guard !text.isEmpty else { return }
            if tokenizer.addsBOS, let bos = tokenizer.bosTokenID { stream.append(bos) }
            stream += tokenizer.encode(text, addSpecialTokens: false)
            stream.append(endOfDocument)
            documents += 1
            if documents % 256 == 0 { progress?(documents) }
        }
        for path in paths {
            if let prefix = packPrefix(path) {
                stream += try packedTokens(prefix: prefix, tokenizer: tokenizer)
                continue
            }
            let files = try DocumentFiles.expand([path])
            guard !files.isEmpty else { throw TrainingError.data("\(path): no such file, or no .jsonl files in it") }
            for file in files {
                if isPlainText(file) {
                    for paragraph in try paragraphs(of: file) { add(paragraph) }
                } else {
                    try DocumentReading.forEach(path: file) { add($0.text) }
                }
            }
        }
        progress?(documents)
        return stream
    }

    /// Rows of `sequenceLength` + 1 tokens, each starting at the previous row's last token.
    public static func rows(of stream: [Int32], sequenceLength: Int) -> [TrainingExample] {
        guard stream.count > sequenceLength else { return [] }
        return stride(from: 0, to: stream.count - sequenceLength, by: sequenceLength).map { start in
            TrainingExample(tokens: Array(stream[start...(start + sequenceLength)]))
        }
    }

    /// `DIR/train` when `path` is a folder that `vern pack` wrote.
    static func packPrefix(_ path: String) -> String? {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue,
              FileManager.default.fileExists(atPath: path + "/train.idx") else { return nil }
        return path + "/train"
    }

    static func packedTokens(prefix: String, tokenizer: Tokenizer) throws -> [Int32] {
        let reader = try IndexedDatasetReader(prefix: prefix)
        var tokens: [Int32] = []
        for document in 0..<reader.documentCount { tokens += reader.tokens(document: document) }
        if let bad = tokens.first(where: { $0 < 0 || Int($0) >= tokenizer.vocabularySize }) {
            throw TrainingError.tokenizerMismatch("\(prefix).bin holds token id \(bad), outside the tokenizer's "
                + "\(tokenizer.vocabularySize) ids: it was packed with another tokenizer")
        }
        return tokens
    }

    static func isPlainText(_ file: String) -> Bool {
        let name = (file as NSString).lastPathComponent
        return !(name.contains(".jsonl") || name.contains(".ndjson") || name.hasSuffix(".json"))
    }

    /// Paragraphs (blocks separated by blank lines) of a UTF-8 text file.
    static func paragraphs(of file: String) throws -> [String] {
        let bytes = try readWholeFile(file)
        let text = String(decoding: bytes, as: UTF8.self)
        return text.components(separatedBy: "\n\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }
}
