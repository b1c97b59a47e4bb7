import VernacularCore

/// What a run of readers found besides documents: problems stepped over, counters (redirects,
/// dropped credit lines, ...) and how each file's bytes were decoded.
public struct IngestReport: Sendable {
    public var documents = 0
    /// Files read to the end or to a counted failure.
    public var files = 0
    /// Records, pages or files skipped under `--on-error skip`, each naming file and line or page.
    public var problems: [InputProblem] = []
    /// Named tallies; the keys go into the summary file, so they are stable snake_case words.
    public var counters: [String: Int] = [:]
    /// One entry per decoded text file: the encoding used and how many invalid byte sequences
    /// were replaced by U+FFFD.
    public var decoding: [FileDecoding] = []

    public init() {}

    /// How one file's bytes became text.
    public struct FileDecoding: Sendable, Equatable {
        public let file: String
        public let encoding: TextEncoding
        public let invalidSequences: Int
    }

    /// Records a problem that the policy lets the run step over, or throws it under `.fail`.
    public mutating func skip(_ problem: InputProblem, policy: ErrorPolicy) throws {
        if policy == .fail { throw problem }
        problems.append(problem)
    }

    public mutating func count(_ name: String, _ amount: Int = 1) {
        if amount != 0 { counters[name, default: 0] += amount }
    }

    public mutating func noteDecoding(file: String, encoding: TextEncoding, invalidSequences: Int) {
        decoding.append(FileDecoding(file: file, encoding: encoding, invalidSequences: invalidSequences))
        count("invalid_byte_sequences", invalidSequences)
    }

    /// Adds another report's findings (from a parallel worker) to this one.
    public mutating func merge(_ other: IngestReport) {
        documents += other.documents
        files += other.files
        problems += other.problems
        for (name, amount) in other.counters { counters[name, default: 0] += amount }
        decoding += other.decoding
    }

    /// The report as JSON, for `ingest-report.json` beside the shards.
    public func jsonObject() -> JSONObject {
        var object = JSONObject()
        object["documents"] = JSONValue(documents)
        object["files"] = JSONValue(files)
        object["problems_skipped"] = JSONValue(problems.count)
        object["counters"] = .object(JSONObject(entries: counters.sorted { $0.key < $1.key }
            .map { (key: $0.key, value: JSONValue($0.value)) }))
        object["decoding"] = .array(decoding.map {
            .object(["file": .string($0.file), "encoding": .string($0.encoding.rawValue),
                     "invalid_sequences": JSONValue($0.invalidSequences)])
        })
        object["problems"] = .array(problems.map { problem in
            var entry: JSONObject = ["file": .string(problem.file)]
            if let line = problem.line { entry["line"] = JSONValue(line) }
            entry["message"] = .string(problem.message)
            return .object(entry)
        })
        return object
    }
}
