import Foundation
import VernacularCore

/// Reads SRT, WebVTT and ASS/SSA files into dialogue documents: cues are cleaned
/// (`SubtitleCleaner`), a cue repeating the one before (roll-up captions, doubled lines) is
/// dropped, and cues are grouped into one document per stretch of dialogue, a new one starting
/// after a silence longer than `gapSeconds`. A cue with a broken timestamp is a counted skip
/// naming its line; the other cues of the file are kept.
public struct SubtitleReader: DocumentReader {
    public struct Options: Sendable {
        /// A silence longer than this starts a new dialogue document. Ten seconds: longer than
        /// the pause between turns of a conversation, shorter than a scene change with music.
        public var gapSeconds = 10.0
        public var encoding = TextEncoding.auto
        public var cleaner = SubtitleCleaner()
        public init() {}
    }

    public let options: Options
    public var kind: String { "subtitles" }

    public init(options: Options = Options()) {
        self.options = options
    }

    public func accepts(fileName: String) -> Bool { SubtitleFormat(fileName: fileName) != nil }

    public func read(file: String, policy: ErrorPolicy, report: inout IngestReport,
                     emit: (Document) throws -> Void) throws {
        guard let format = SubtitleFormat(fileName: file) else {
            throw IOError(path: file, message: "not a subtitle file name (.srt, .vtt, .ass, .ssa)")
        }
        let decoded = try DecodedText(path: file, declared: options.encoding)
        report.noteDecoding(file: file, encoding: decoded.encoding, invalidSequences: decoded.invalidSequences)
        let parsed: ParsedSubtitles
        switch format {
        case .srt: parsed = SRTParser.parse(decoded.text)
        case .webvtt: parsed = WebVTTParser.parse(decoded.text)
        case .ass: parsed = ASSParser.parse(decoded.text)
        }
        for problem in parsed.problems {
            report.count("subtitle_cues_unreadable")
            try report.skip(InputProblem(file: file, line: problem.line, message: problem.message), policy: policy)
        }
        for document in dialogues(from: parsed.cues, file: file, format: format, report: &report) { try emit(document) }
    }

    /// Cleans and groups cues (in time order) into dialogue documents.
    public func dialogues(from cues: [SubtitleCue], file: String, format: SubtitleFormat,
                          report: inout IngestReport) -> [Document] {
        var documents: [Document] = []
        var lines: [String] = []
        var speakers: [String] = []
        var groupStart = 0.0, groupEnd = 0.0, groupCues = 0
        var previousText: [String] = []

        func flush() {
            guard !lines.isEmpty else { return }
            var meta = JSONObject()
            meta["format"] = .string(format.rawValue)
            meta["start_seconds"] = JSONValue(groupStart)
            meta["end_seconds"] = JSONValue(groupEnd)
            meta["cues"] = JSONValue(groupCues)
            if !speakers.isEmpty { meta["speakers"] = .array(speakers.map { .string($0) }) }
            documents.append(Document(id: "\(file)#\(documents.count + 1)", text: lines.joined(separator: "\n"),
                                      source: file, meta: meta))
            lines = []
            speakers = []
            groupCues = 0
        }

        let ordered = cues.enumerated().sorted { ($0.element.start, $0.offset) < ($1.element.start, $1.offset) }.map(\.element)
        for cue in ordered {
            let cleaned = options.cleaner.clean(cue.lines)
            report.count("subtitle_credit_lines", cleaned.credits)
            report.count("subtitle_sound_lines", cleaned.sounds)
            var text = cleaned.lines
            // Roll-up captions repeat the previous cue's last line at the top of the next one.
            while let first = text.first, previousText.contains(first) {
                text.removeFirst()
                report.count("subtitle_repeated_lines")
            }
            guard !text.isEmpty else { continue }
            if groupCues > 0, cue.start - groupEnd > options.gapSeconds { flush() }
            if groupCues == 0 { groupStart = cue.start }
            groupEnd = max(groupEnd, cue.end)
            groupCues += 1
            for line in text {
                if let speaker = cue.speaker {
                    lines.append("\(speaker)：\(line)")
                    if !speakers.contains(speaker) { speakers.append(speaker) }
                } else {
                    lines.append(line)
                }
            }
            previousText = text
        }
        flush()
        return documents
    }
}
