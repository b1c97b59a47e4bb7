import Foundation
import VernacularCore

/// A problem reading an evaluation set, with the file and record it is in.
public struct BenchmarkFileError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let record: Int?
    public let message: String

    public var description: String {
        record.map { "\(path): record \($0): \(message)" } ?? "\(path): \(message)"
    }
}

/// One evaluation question: which benchmark (file name without extension) and which item (its
/// `id` field, else its 1-based record number).
public struct BenchmarkItem: Sendable, Equatable, CustomStringConvertible {
    public let benchmark: String
    public let id: String
    public var description: String { "\(benchmark)#\(id)" }
}

/// The unit n-grams of evaluation items, to find training documents that contain them.
///
/// Han text is compared as character n-grams (13 by default, as in GPT-3's decontamination,
/// about six to eight Cantonese words: long enough that ordinary phrases do not collide),
/// other scripts as word n-grams. Punctuation and spaces are not units, so a copy with changed
/// punctuation still matches. A field shorter than n units is indexed whole when it has at
/// least `minItemUnits` units; shorter fields (a choice such as 以上皆是) are too generic to mean a leak.
public struct BenchmarkIndex: Sendable {
    public let n: Int
    public let minItemUnits: Int
    public private(set) var items: [BenchmarkItem] = []
    private var ngrams: [UInt64: Int32] = [:]
    /// Lengths (< n) of fields indexed whole; documents are also scanned at these lengths.
    private var shortLengths: Set<Int> = []
    /// Fields skipped as too short to index.
    public private(set) var skippedFields = 0

    public init(n: Int = 13, minItemUnits: Int = 8) {
        self.n = n
        self.minItemUnits = minItemUnits
    }

    public var ngramCount: Int { ngrams.count }

    /// Adds one item from the texts of its fields.
    public mutating func add(_ item: BenchmarkItem, texts: [String]) {
        let index = Int32(items.count)
        items.append(item)
        for text in texts {
            let units = TextUnits(text)
            if units.count >= n {
                for start in 0...(units.count - n) where ngrams[units.ngramHash(at: start, length: n)] == nil {
                    ngrams[units.ngramHash(at: start, length: n)] = index
                }
            } else if units.count >= minItemUnits {
                shortLengths.insert(units.count)
                let hash = units.ngramHash(at: 0, length: units.count)
                if ngrams[hash] == nil { ngrams[hash] = index }
            } else {
                skippedFields += 1
            }
        }
    }

    /// The first benchmark item whose n-gram (or whole short field) occurs in `text`.
    public func firstMatch(in text: String) -> BenchmarkItem? {
        let units = TextUnits(text)
        for length in [n] + shortLengths.sorted() where units.count >= length {
            for start in 0...(units.count - length) {
                if let index = ngrams[units.ngramHash(at: start, length: length)] { return items[Int(index)] }
            }
        }
        return nil
    }

    // MARK: Loading

    /// Reads evaluation sets: `.jsonl` (one object per line), `.json` (an array of objects, or
    /// an object holding one) or `.csv` (a header row naming the fields). `fields` name the
    /// text to index; a field holding an array (choices) indexes each string in it.
    public mutating func load(path: String, fields: [String], transform: (String) throws -> String = { $0 }) throws {
        let url = URL(fileURLWithPath: path)
        let benchmark = url.deletingPathExtension().lastPathComponent
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw BenchmarkFileError(path: path, record: nil, message: "cannot read: \(error.localizedDescription)")
        }
        let text = String(decoding: data, as: UTF8.self)
        let records: [(number: Int, fields: [String: [String]])]
        switch url.pathExtension.lowercased() {
        case "jsonl", "ndjson":
            var parsed: [(Int, [String: [String]])] = []
            for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where !line.allSatisfy(\.isWhitespace) {
                let value: JSONValue
                do { value = try JSONParser.parse(String(line)) } catch {
                    throw BenchmarkFileError(path: path, record: offset + 1, message: "not valid JSON: \(error)")
                }
                guard case .object(let object) = value else {
                    throw BenchmarkFileError(path: path, record: offset + 1, message: "expected a JSON object")
                }
                parsed.append((offset + 1, Self.strings(of: object)))
            }
            records = parsed
        case "json":
            let value: JSONValue
            do { value = try JSONParser.parse(text) } catch {
                throw BenchmarkFileError(path: path, record: nil, message: "not valid JSON: \(error)")
            }
            let array: [JSONValue]
            switch value {
            case .array(let values): array = values
            case .object(let object):
                // {"test": [...]} and similar: the first field holding an array of records.
                guard let found = object.entries.lazy.compactMap({ entry -> [JSONValue]? in
                    if case .array(let values) = entry.value { return values } else { return nil }
                }).first else {
                    throw BenchmarkFileError(path: path, record: nil, message: "no array of records in the top-level object")
                }
                array = found
            default:
                throw BenchmarkFileError(path: path, record: nil, message: "expected an array of objects")
            }
            records = try array.enumerated().map { offset, value in
                guard case .object(let object) = value else {
                    throw BenchmarkFileError(path: path, record: offset + 1, message: "expected a JSON object")
                }
                return (offset + 1, Self.strings(of: object))
            }
        case "csv", "tsv":
            let rows = try CSVRows.parse(text, separator: url.pathExtension.lowercased() == "tsv" ? "\t" : ",", path: path)
            guard let header = rows.first else { records = []; break }
            records = rows.dropFirst().enumerated().map { offset, row in
                var fieldsByName: [String: [String]] = [:]
                for (column, name) in header.enumerated() where column < row.count {
                    fieldsByName[name.trimmingCharacters(in: .whitespaces), default: []].append(row[column])
                }
                return (offset + 1, fieldsByName)
            }
        default:
            throw BenchmarkFileError(path: path, record: nil, message: "unknown format (expected .jsonl, .json or .csv)")
        }
        for record in records {
            let texts = try fields.flatMap { record.fields[$0] ?? [] }.map(transform)
            guard !texts.isEmpty else {
                throw BenchmarkFileError(path: path, record: record.number,
                                         message: "none of the fields \(fields.joined(separator: ", ")) is present")
            }
            let id = record.fields["id"]?.first ?? String(record.number)
            add(BenchmarkItem(benchmark: benchmark, id: id), texts: texts)
        }
    }

    /// A record's fields as strings: strings as they are, numbers as written, arrays of either
    /// as several strings.
    static func strings(of object: JSONObject) -> [String: [String]] {
        var result: [String: [String]] = [:]
        func flatten(_ value: JSONValue) -> [String] {
            switch value {
            case .string(let string): return [string]
            case .number(let number): return [number]
            case .array(let values): return values.flatMap(flatten)
            default: return []
            }
        }
        for entry in object.entries { result[entry.key] = flatten(entry.value) }
        return result
    }
}

/// RFC 4180 CSV: quoted fields may hold separators, newlines and doubled quotes.
enum CSVRows {
    static func parse(_ text: String, separator: Character, path: String) throws -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var afterQuote = false
        var iterator = text.makeIterator()
        while let character = iterator.next() {
            if quoted {
                if character == "\"" { quoted = false; afterQuote = true } else { field.append(character) }
                continue
            }
            switch character {
            case "\"":
                if afterQuote { field.append("\"") }  // "" inside quotes
                quoted = true
                afterQuote = false
            case separator:
                row.append(field); field = ""; afterQuote = false
            case "\n", "\r\n":
                row.append(field); field = ""; afterQuote = false
                if !(row.count == 1 && row[0].isEmpty) { rows.append(row) }
                row = []
            default:
                field.append(character)
                afterQuote = false
            }
        }
        if quoted { throw BenchmarkFileError(path: path, record: rows.count, message: "a quoted field is not closed") }
        row.append(field)
        if !(row.count == 1 && row[0].isEmpty) { rows.append(row) }
        return rows
    }
}
