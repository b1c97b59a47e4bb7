import Foundation
import VernacularCore

/// One row of `vern tokenizer stats --json` (saved as RUN_DIR/fertility.json): a tokenizer's
/// counts on one labelled text set. Fields the report does not use are ignored, so the command
/// may add more.
public struct FertilityRow: Sendable, Equatable, Decodable {
    public var tokenizer: String
    public var set: String
    public var characters: Int
    public var bytes: Int
    public var tokens: Int

    public init(tokenizer: String, set: String, characters: Int, bytes: Int, tokens: Int) {
        self.tokenizer = tokenizer
        self.set = set
        self.characters = characters
        self.bytes = bytes
        self.tokens = tokens
    }

    /// Tokens per character: the figure vocabulary work tries to lower.
    public var tokensPerCharacter: Double { characters == 0 ? 0 : Double(tokens) / Double(characters) }
    /// UTF-8 bytes per token.
    public var bytesPerToken: Double { tokens == 0 ? 0 : Double(bytes) / Double(tokens) }

    private enum CodingKeys: String, CodingKey { case tokenizer, set, fertility }
    private enum CountKeys: String, CodingKey { case characters, bytes, tokens }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        tokenizer = try c.decode(String.self, forKey: .tokenizer)
        set = try c.decode(String.self, forKey: .set)
        let counts = try c.nestedContainer(keyedBy: CountKeys.self, forKey: .fertility)
        characters = try counts.decode(Int.self, forKey: .characters)
        bytes = try counts.decodeIfPresent(Int.self, forKey: .bytes) ?? 0
        tokens = try counts.decode(Int.self, forKey: .tokens)
    }

    /// Reads the rows; an error names the file and the row.
    public static func read(path: String) throws -> [FertilityRow] {
        let bytes: [UInt8]
        do { bytes = try readWholeFile(path) } catch {
            throw ReportError(path: path, message: "cannot read: \(error)")
        }
        do {
            return try JSONDecoder().decode([FertilityRow].self, from: Data(bytes))
        } catch let DecodingError.keyNotFound(key, context) {
            throw ReportError(path: path, message: "\(Self.where(context)) has no '\(key.stringValue)'")
        } catch let DecodingError.typeMismatch(_, context) {
            throw ReportError(path: path, message: "\(Self.where(context)): \(context.debugDescription)")
        } catch {
            throw ReportError(path: path, message: "not the JSON of `vern tokenizer stats --json`: \(error)")
        }
    }

    private static func `where`(_ context: DecodingError.Context) -> String {
        guard let row = context.codingPath.first?.intValue else { return "the file" }
        return "row \(row + 1)"
    }
}
