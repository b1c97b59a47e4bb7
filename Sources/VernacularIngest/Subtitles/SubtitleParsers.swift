import Foundation

/// SRT: numbered blocks separated by blank lines: an index, `start --> end`, text lines.
enum SRTParser {
    static func parse(_ text: String) -> ParsedSubtitles {
        var result = ParsedSubtitles()
        for block in blocks(of: text) {
            guard let timing = block.lines.firstIndex(where: { $0.contains("-->") }) else {
                // A stray index number, or text after a blank line inside a cue.
                let content = block.lines.filter { Int($0.trimmingCharacters(in: .whitespaces)) == nil }
                if !content.isEmpty, !result.cues.isEmpty { result.cues[result.cues.count - 1].lines += content }
                continue
            }
            let lineNumber = block.firstLine + timing
            guard let (start, end) = SubtitleTime.parseRange(block.lines[timing]) else {
                result.problems.append((lineNumber, "unreadable timing '\(block.lines[timing])' (expected 00:00:01,000 --> 00:00:02,000)"))
                continue
            }
            guard end >= start else {
                result.problems.append((lineNumber, "the cue ends before it starts"))
                continue
            }
            result.cues.append(SubtitleCue(start: start, end: end, speaker: nil,
                                           lines: Array(block.lines[(timing + 1)...]), line: lineNumber))
        }
        return result
    }

    /// Groups of non-blank lines with the 1-based number of their first line.
    static func blocks(of text: String) -> [(firstLine: Int, lines: [String])] {
        var blocks: [(Int, [String])] = []
        var current: [String] = []
        var first = 0
        for (offset, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : String(raw)
            if line.trimmingCharacters(in: .whitespaces).isEmpty {
                if !current.isEmpty { blocks.append((first, current)) }
                current = []
            } else {
                if current.isEmpty { first = offset + 1 }
                current.append(line)
            }
        }
        if !current.isEmpty { blocks.append((first, current)) }
        return blocks
    }
}

/// WebVTT: a `WEBVTT` header, then cues (optional identifier, timing with settings, text) and
/// NOTE, STYLE and REGION blocks, which hold no dialogue.
enum WebVTTParser {
    static func parse(_ text: String) -> ParsedSubtitles {
        var result = ParsedSubtitles()
        let blocks = SRTParser.blocks(of: text)
        if let first = blocks.first?.lines.first, !first.hasPrefix("WEBVTT") {
            result.problems.append((blocks[0].firstLine, "no WEBVTT header; reading the cues anyway"))
        }
        for block in blocks {
            let head = block.lines[0]
            if head.hasPrefix("WEBVTT") || head.hasPrefix("NOTE") || head.hasPrefix("STYLE") || head.hasPrefix("REGION") {
                continue
            }
            guard let timing = block.lines.firstIndex(where: { $0.contains("-->") }) else { continue }
            let lineNumber = block.firstLine + timing
            guard let (start, end) = SubtitleTime.parseRange(block.lines[timing]) else {
                result.problems.append((lineNumber, "unreadable timing '\(block.lines[timing])' (expected 00:01.000 --> 00:02.000)"))
                continue
            }
            guard end >= start else {
                result.problems.append((lineNumber, "the cue ends before it starts"))
                continue
            }
            var lines = Array(block.lines[(timing + 1)...])
            var speaker: String?
            // `<v Name>` or `<v.class Name>` at the start of the cue names the speaker.
            if let first = lines.first, first.hasPrefix("<v"), let close = first.firstIndex(of: ">") {
                let tag = first[first.index(first.startIndex, offsetBy: 2)..<close]
                let name = tag.drop { $0 != " " }.trimmingCharacters(in: .whitespaces)
                if !name.isEmpty { speaker = name }
                lines[0] = String(first[first.index(after: close)...])
            }
            result.cues.append(SubtitleCue(start: start, end: end, speaker: speaker, lines: lines, line: lineNumber))
        }
        return result
    }
}

/// ASS/SSA: `[Events]` holds a `Format:` line naming the fields and `Dialogue:` lines in that
/// order; the last field, Text, may contain commas. `Comment:` lines are not shown.
enum ASSParser {
    static let defaultFormat = ["layer", "start", "end", "style", "name", "marginl", "marginr", "marginv", "effect", "text"]

    static func parse(_ text: String) -> ParsedSubtitles {
        var result = ParsedSubtitles()
        var section = ""
        var format = defaultFormat
        for (offset, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = (raw.hasSuffix("\r") ? raw.dropLast() : raw).trimmingCharacters(in: .whitespaces)
            let lineNumber = offset + 1
            if line.hasPrefix("[") {
                section = line.lowercased()
                continue
            }
            guard section == "[events]" else { continue }
            if line.lowercased().hasPrefix("format:") {
                format = line.dropFirst(7).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                continue
            }
            guard line.hasPrefix("Dialogue:") else { continue }
            let fields = line.dropFirst(9).split(separator: ",", maxSplits: format.count - 1, omittingEmptySubsequences: false)
                .map { String($0) }
            guard fields.count == format.count else {
                result.problems.append((lineNumber, "a Dialogue line with \(fields.count) fields where Format names \(format.count)"))
                continue
            }
            func field(_ name: String) -> String? { format.firstIndex(of: name).map { fields[$0] } }
            guard let startText = field("start"), let endText = field("end"),
                  let start = SubtitleTime.parse(Substring(startText)), let end = SubtitleTime.parse(Substring(endText)) else {
                result.problems.append((lineNumber, "unreadable Start/End time (expected 0:00:01.00)"))
                continue
            }
            guard end >= start else {
                result.problems.append((lineNumber, "the cue ends before it starts"))
                continue
            }
            let speaker = field("name")?.trimmingCharacters(in: .whitespaces)
            let body = ASSText.plain(field("text") ?? "")
            result.cues.append(SubtitleCue(start: start, end: end, speaker: speaker?.isEmpty == false ? speaker : nil,
                                           lines: body, line: lineNumber))
        }
        return result
    }
}

/// ASS dialogue text: override blocks `{\an8\i1}` removed, drawings (`{\p1}` ... `{\p0}`)
/// removed, `\N`/`\n` line breaks, `\h` a space.
enum ASSText {
    static func plain(_ text: String) -> [String] {
        var out = ""
        var drawing = false
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "{", let close = text[index...].firstIndex(of: "}") {
                let block = text[text.index(after: index)..<close]
                if let p = block.range(of: "\\p", options: .backwards) {
                    let digits = block[p.upperBound...].prefix { $0.isASCIIDigit }
                    if let level = Int(digits) { drawing = level > 0 }
                }
                index = text.index(after: close)
                continue
            }
            if character == "\\", let next = text.index(index, offsetBy: 1, limitedBy: text.endIndex), next < text.endIndex {
                switch text[next] {
                case "N", "n": if !drawing { out.append("\n") }; index = text.index(after: next); continue
                case "h": if !drawing { out.append(" ") }; index = text.index(after: next); continue
                default: break
                }
            }
            if !drawing { out.append(character) }
            index = text.index(after: index)
        }
        return out.split(separator: "\n").map(String.init)
    }
}
