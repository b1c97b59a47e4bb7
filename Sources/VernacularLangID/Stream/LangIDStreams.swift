import VernacularCore

/// Classifies line streams for `vern langid classify`. The contract: exactly one output line per
/// input line, whatever the line holds (empty, invalid UTF-8, 1 MB, not JSON).
public enum LangIDStreams {
    /// Reads one sentence per line and writes `LABEL<TAB>SCORE` per line through `write`
    /// (called with about 64 KB at a time); returns the number of lines.
    public static func classifySentences(from reader: LineReader, classifier: LangIDClassifier,
                                         write: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        var scratch = classifier.makeScratch()
        var out: [UInt8] = []
        out.reserveCapacity(1 << 16 + 64)
        var lines = 0
        while let prediction = try reader.nextLine({ classifier.classify(utf8: $0, scratch: &scratch) }) {
            lines += 1
            out.append(contentsOf: prediction.label.rawValue.utf8)
            out.append(0x09)
            appendScore(prediction.score, to: &out)
            out.append(0x0A)
            if out.count >= 1 << 16 {
                try out.withUnsafeBytes(write)
                out.removeAll(keepingCapacity: true)
            }
        }
        try out.withUnsafeBytes(write)
        return lines
    }

    /// Reads JSON Lines documents and writes each back with `lang`, `lang_score`, `yue_share` and
    /// `lang_sentences` (per sentence: start and end in Unicode scalars, label, score) added to
    /// `meta`. A line that is not a JSON object with a text field becomes
    /// `{"line":N,"error":"...","meta":{"lang":"other","lang_score":1}}`.
    public static func classifyDocuments(from reader: LineReader, classifier: LangIDClassifier, source: String,
                                         mapping: DocumentFieldMapping = DocumentFieldMapping(),
                                         write: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        var out: [UInt8] = []
        var lines = 0
        while try reader.nextLine({ (bytes: UnsafeBufferPointer<UInt8>) -> Void in
            lines += 1
            do {
                var document = try Document.decode(jsonLine: bytes, mapping: mapping, fallbackSource: source, lineNumber: lines)
                let result = classifier.classify(document: document.text)
                result.annotate(&document, sentences: true)
                document.appendJSONLine(to: &out)
            } catch {
                let record: JSONObject = [
                    "line": JSONValue(lines), "error": .string("\(error)"),
                    "meta": .object(["lang": .string(LangIDLabel.other.rawValue), "lang_score": JSONValue(1)]),
                ]
                JSONWriter.append(record, to: &out)
                out.append(0x0A)
            }
        }) != nil {
            if out.count >= 1 << 16 {
                try out.withUnsafeBytes(write)
                out.removeAll(keepingCapacity: true)
            }
        }
        try out.withUnsafeBytes(write)
        return lines
    }

    /// Writes a score in [0, 1] with four decimals ("0.9731"), without Foundation's formatter.
    static func appendScore(_ score: Float, to out: inout [UInt8]) {
        let scaled = Int((min(max(score, 0), 1) * 10_000).rounded())
        out.append(UInt8(ascii: "0") + UInt8(scaled / 10_000))
        out.append(UInt8(ascii: "."))
        var rest = scaled % 10_000
        for divisor in [1_000, 100, 10, 1] {
            out.append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
        }
    }
}

extension DocumentLangID {
    /// Adds the result to a document's `meta`: `lang`, `lang_score`, `yue_share`, and with
    /// `sentences` the per-sentence spans as `lang_sentences`.
    public func annotate(_ document: inout Document, sentences withSentences: Bool) {
        document.meta["lang"] = .string(label.rawValue)
        document.meta["lang_score"] = JSONValue(Self.rounded(score))
        document.meta["yue_share"] = JSONValue(Self.rounded(yueShare))
        guard withSentences else { return }
        document.meta["lang_sentences"] = .array(sentences.map { sentence in
            .object([
                "start": JSONValue(sentence.span.start), "end": JSONValue(sentence.span.end),
                "lang": .string(sentence.prediction.label.rawValue),
                "score": JSONValue(Self.rounded(sentence.prediction.score)),
            ])
        })
    }

    static func rounded(_ value: Float) -> Double { (Double(value) * 10_000).rounded() / 10_000 }
}
