import Foundation

/// Turns a cue's marked-up lines into dialogue text. Styling (`<i>`, `<font>`, `<c.x>`,
/// `{\an8}`), ruby readings and karaoke timestamps are removed. Lines that start with a dialogue
/// dash are separate turns and stay separate lines; other lines of a cue are one sentence broken
/// for the screen, joined by a space (Chinese subtitles use the space as their pause mark).
/// Credit lines (translators, subtitle groups, sites) and sound cues that are only `[音樂]` or
/// `♪` are dropped.
public struct SubtitleCleaner: Sendable {
    /// Lower-cased phrases that mark a line as a credit, not dialogue. Chinese subtitle groups
    /// sign with 字幕 plus a verb of making; English ones with "subtitles by" and a site.
    public var creditPhrases: [String] = [
        "subtitles by", "subtitle by", "subs by", "synced by", "sync by", "translated by", "translation by",
        "captioning by", "captions by", "opensubtitles", "addic7ed", "subscene", "www.", "http://", "https://",
        "advertise your product", "字幕組", "字幕组", "字幕翻譯", "字幕翻译", "字幕製作", "字幕制作", "字幕提供",
        "字幕校對", "字幕校对", "時間軸", "时间轴", "翻譯：", "翻译：", "校對：", "校对：", "壓制", "压制",
    ]

    public init() {}

    /// The cue's dialogue lines, and how many lines were dropped as credits or sound cues.
    public func clean(_ lines: [String]) -> (lines: [String], credits: Int, sounds: Int) {
        var kept: [String] = []
        var credits = 0, sounds = 0
        var separateTurns = false
        var pieces: [String] = []
        for raw in lines {
            var line = HTMLEntities.decode(stripMarkup(raw)).trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            let lower = line.lowercased()
            if creditPhrases.contains(where: { lower.contains($0) }) {
                credits += 1
                continue
            }
            if isSoundCue(line) {
                sounds += 1
                continue
            }
            if line.hasPrefix("-") || line.hasPrefix("－") || line.hasPrefix("—") {
                separateTurns = true
                line = line.drop { $0 == "-" || $0 == "－" || $0 == "—" }.trimmingCharacters(in: .whitespaces)
                if line.isEmpty { continue }
            }
            pieces.append(line)
        }
        if separateTurns { kept = pieces } else if !pieces.isEmpty { kept = [pieces.joined(separator: " ")] }
        return (kept, credits, sounds)
    }

    /// Removes `<...>` tags (with `<rt>` ruby readings) and `{\...}` override blocks.
    func stripMarkup(_ line: String) -> String {
        var out = ""
        var index = line.startIndex
        var inRuby = false
        while index < line.endIndex {
            let character = line[index]
            if character == "<", let close = line[index...].firstIndex(of: ">") {
                let tag = line[line.index(after: index)..<close].lowercased()
                if tag == "rt" || tag.hasPrefix("rt ") || tag.hasPrefix("rt.") { inRuby = true }
                if tag == "/rt" { inRuby = false }
                let isTag = tag.first.map { $0.isLetter || $0 == "/" || $0.isASCIIDigit } ?? false
                if isTag {
                    index = line.index(after: close)
                    continue
                }
            }
            if character == "{", line[index...].hasPrefix("{\\"), let close = line[index...].firstIndex(of: "}") {
                index = line.index(after: close)
                continue
            }
            if !inRuby { out.append(character) }
            index = line.index(after: index)
        }
        return out
    }

    /// `[音樂]`, `(笑聲)`, `♪ ♪`: no words of dialogue.
    func isSoundCue(_ line: String) -> Bool {
        let noMusic = line.filter { !"♪♫♬#~～ ".contains($0) }
        if noMusic.isEmpty { return true }
        let pairs: [(Character, Character)] = [("[", "]"), ("(", ")"), ("（", "）"), ("【", "】")]
        return pairs.contains { pair in
            noMusic.first == pair.0 && noMusic.last == pair.1 && !noMusic.dropFirst().dropLast().contains(pair.1)
        }
    }
}
