import Foundation
import VernacularEngine
import VernacularPack
import VernacularTokenizer

/// A tokenizer from `vern tokenizer extend` and the base pieces of each token it added.
public struct ExtendedTokenizer: Sendable {
    public private(set) var tokenizer: Tokenizer
    public let tokenizerJSON: Data
    public let baseVocabularySize: Int
    public let newTokens: [VocabularyExtension.NewToken]

    struct Mapping: Decodable {
        let base_vocabulary_size: Int
        let vocabulary_size: Int
        let new_tokens: [VocabularyExtension.NewToken]
    }

    /// Reads `DIR/tokenizer.json` and `DIR/new_tokens.json`.
    public init(folder: String) throws {
        let jsonPath = folder + "/tokenizer.json", mappingPath = folder + "/new_tokens.json"
        guard FileManager.default.fileExists(atPath: jsonPath), FileManager.default.fileExists(atPath: mappingPath) else {
            throw TrainingError.tokenizerMismatch("\(folder) needs tokenizer.json and new_tokens.json, as `vern tokenizer extend` writes them")
        }
        let loaded = try TokenizerFile.loadWithJSON(path: jsonPath)
        tokenizer = loaded.tokenizer
        tokenizerJSON = loaded.json
        let mapping: Mapping
        do {
            mapping = try JSONDecoder().decode(Mapping.self, from: Data(contentsOf: URL(fileURLWithPath: mappingPath)))
        } catch {
            throw TrainingError.tokenizerMismatch("\(mappingPath): \(error)")
        }
        baseVocabularySize = mapping.base_vocabulary_size
        newTokens = mapping.new_tokens
    }

    /// The tokenizer with the base's BOS and EOS where its file names none.
    public mutating func adoptSpecialTokens(of base: Tokenizer) throws {
        tokenizer = try tokenizer.withSpecialTokens(of: base, json: tokenizerJSON)
    }

    /// Checks that this tokenizer extends `base`: the same text for every base id, new ids after.
    public func verifyExtends(_ base: Tokenizer) throws {
        guard baseVocabularySize == base.vocabularySize else {
            throw TrainingError.tokenizerMismatch("the extended tokenizer was built on a base of \(baseVocabularySize) ids; "
                + "this model's tokenizer has \(base.vocabularySize): it extends another model")
        }
        for id in 0..<Int32(base.vocabularySize) where tokenizer.tokenBytes(id) != base.tokenBytes(id)
            || tokenizer.tokenText(for: id) != base.tokenText(for: id) {
            throw TrainingError.tokenizerMismatch("token \(id) is '\(base.tokenText(for: id) ?? "?")' in the model's tokenizer "
                + "but '\(tokenizer.tokenText(for: id) ?? "?")' in the extended one: it extends another model")
        }
        for token in newTokens where token.pieces.contains(where: { $0 < 0 || Int($0) >= base.vocabularySize }) {
            throw TrainingError.tokenizerMismatch("new token \(token.id) has a base piece outside the base vocabulary")
        }
    }
}

/// Grows an embedding (or output) matrix to a larger vocabulary: original ids keep their rows,
/// each new token's row is the mean of the rows of the base pieces it was built from (so the
/// model first reads it as it read those pieces), and the overall mean is the fallback.
public enum VocabularyGrowth {
    public static func grow(_ matrix: MLXArray, to size: Int, newTokens: [VocabularyExtension.NewToken]) throws -> MLXArray {
        let (rows, width) = (matrix.dim(0), matrix.dim(1))
        guard size >= rows else { return matrix }
        var values = try matrix.asFloats()
        values += [Float](repeating: 0, count: (size - rows) * width)
        var overallMean = [Float](repeating: 0, count: width)
        for row in 0..<rows { for column in 0..<width { overallMean[column] += values[row * width + column] } }
        for column in 0..<width { overallMean[column] /= Float(rows) }
        var initialised = Set<Int>()
        for token in newTokens {
            let id = Int(token.id)
            guard id >= 0, id < size else { continue }
            let pieces = token.pieces.map(Int.init).filter { $0 >= 0 && $0 < rows }
            for column in 0..<width {
                var total: Float = 0
                for piece in pieces { total += values[piece * width + column] }
                values[id * width + column] = pieces.isEmpty ? overallMean[column] : total / Float(pieces.count)
            }
            initialised.insert(id)
        }
        for id in rows..<size where !initialised.contains(id) {
            for column in 0..<width { values[id * width + column] = overallMean[column] }
        }
        return try values.withUnsafeBufferPointer { try MLXArray($0, [size, width]) }
    }
}
