import Foundation
import VernacularCore

/// Reads the Hong Kong Cantonese Corpus (HKCanCor) as `pycantonese` ships it: CHAT (`.cha`)
/// transcripts of conversations, licensed CC BY 4.0. Each file becomes one dialogue document,
/// one utterance per line, written the way Cantonese is written: word tokens joined without
/// spaces, CHAT's ASCII punctuation turned into full-width Chinese punctuation.
public struct HKCanCorReader: Sendable {
    public init() {}

    /// One utterance of a transcript.
    public struct Utterance: Sendable, Equatable {
        public let speaker: String
        public let text: String
    }

    /// A problem in a transcript, naming file and line.
    public struct FormatError: Error, CustomStringConvertible {
        public let file: String
        public let line: Int
        public let message: String
        public var description: String { "\(file):\(line): \(message)" }
    }

    /// All `.cha` files of a folder, in name order, as documents.
    public func documents(inFolder folder: String) throws -> [Document] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder)
            .filter { $0.hasSuffix(".cha") }
            .sorted()
        guard !names.isEmpty else { throw IOError(path: folder, message: "no .cha transcripts in this folder") }
        return try names.compactMap { try document(file: folder + "/" + $0) }
    }

    /// One transcript as a document, or nil when it holds no utterance.
    public func document(file: String) throws -> Document? {
        let bytes = try readWholeFile(file)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw IOError(path: file, message: "not valid UTF-8 (CHAT files declare @UTF8)")
        }
        let (utterances, headers) = try parse(text, file: file)
        guard !utterances.isEmpty else { return nil }
        let name = (file as NSString).lastPathComponent.replacingOccurrences(of: ".cha", with: "")
        var meta = JSONObject()
        meta["corpus"] = .string("hkcancor")
        meta["licence"] = .string("CC BY 4.0")
        meta["speakers"] = .array(Array(Set(utterances.map(\.speaker))).sorted().map { .string($0) })
        meta["utterances"] = JSONValue(utterances.count)
        if let date = headers["Date"] { meta["date"] = .string(date) }
        return Document(id: "hkcancor/\(name)", text: utterances.map(\.text).joined(separator: "\n"),
                        source: file, meta: meta)
    }

    /// Splits a CHAT transcript into utterances (main tiers `*SPK:`, with their tab-indented
    /// continuation lines) and `@Key:` headers; dependent tiers (`%mor:`) are skipped.
    public func parse(_ text: String, file: String) throws -> ([Utterance], [String: String]) {
        var utterances: [Utterance] = []
        var headers: [String: String] = [:]
        var currentSpeaker: String?
        var currentTokens = ""
        var inMainTier = false

        func flush() {
            if let speaker = currentSpeaker {
                let joined = Self.writtenForm(ofTokens: currentTokens)
                if !joined.isEmpty { utterances.append(Utterance(speaker: speaker, text: joined)) }
            }
            currentSpeaker = nil
            currentTokens = ""
        }

        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.hasPrefix("*") {
                flush()
                guard let colon = line.firstIndex(of: ":") else {
                    throw FormatError(file: file, line: offset + 1, message: "a main tier without ':' after the speaker")
                }
                currentSpeaker = String(line[line.index(after: line.startIndex)..<colon])
                currentTokens = String(line[line.index(after: colon)...])
                inMainTier = true
            } else if line.hasPrefix("\t") {
                if inMainTier { currentTokens += " " + line.dropFirst() }
            } else if line.hasPrefix("%") {
                inMainTier = false
            } else if line.hasPrefix("@") {
                flush()
                inMainTier = false
                if let colon = line.firstIndex(of: ":") {
                    let key = String(line[line.index(after: line.startIndex)..<colon])
                    headers[key] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
            }
        }
        flush()
        return (utterances, headers)
    }

    /// Joins CHAT word tokens into written text. Latin words keep a space between them; Han words
    /// join directly; `-` (a cut-off word marker) is dropped; ASCII punctuation becomes
    /// full-width when the utterance is Chinese.
    static func writtenForm(ofTokens line: String) -> String {
        let tokens = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init).filter { $0 != "-" }
        let hasHan = tokens.contains { $0.unicodeScalars.contains(where: isHan) }
        let punctuation: [String: String] = [",": "，", ".": "。", "?": "？", "!": "！"]
        var result = ""
        var previousEndsLatin = false
        for token in tokens {
            if let mapped = punctuation[token] {
                result += hasHan ? mapped : token
                previousEndsLatin = false
                continue
            }
            let startsLatin = token.unicodeScalars.first.map(isLatinOrDigit) ?? false
            if previousEndsLatin, startsLatin { result += " " }
            result += token
            previousEndsLatin = token.unicodeScalars.last.map(isLatinOrDigit) ?? false
        }
        return result
    }

    static func isHan(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x3134F: return true
        default: return false
        }
    }

    static func isLatinOrDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar))
    }
}

extension HKCanCorReader: DocumentReader {
    public var kind: String { "hkcancor" }

    public func accepts(fileName: String) -> Bool { fileName.hasSuffix(".cha") }

    /// One transcript; a transcript that breaks CHAT's layout is a counted skip naming its line.
    public func read(file: String, policy: ErrorPolicy, report: inout IngestReport,
                     emit: (Document) throws -> Void) throws {
        do {
            if let document = try document(file: file) { try emit(document) }
        } catch let error as FormatError {
            try report.skip(InputProblem(file: error.file, line: error.line, message: error.message), policy: policy)
        }
    }
}
