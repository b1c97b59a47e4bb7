import Foundation

/// One timed subtitle cue, as parsed, before cleaning.
public struct SubtitleCue: Sendable, Equatable {
    /// Seconds from the start of the video.
    public var start: Double
    public var end: Double
    /// The speaker, where the format names one (ASS `Name`, WebVTT `<v Name>`).
    public var speaker: String?
    /// Text lines with markup still in place.
    public var lines: [String]
    /// 1-based line of the cue's timing in the file, for messages.
    public var line: Int
}

/// Subtitle formats, chosen by file extension.
public enum SubtitleFormat: String, Sendable {
    case srt, webvtt, ass

    public init?(fileName: String) {
        let name = InputFiles.formatName(fileName)
        if name.hasSuffix(".srt") { self = .srt }
        else if name.hasSuffix(".vtt") { self = .webvtt }
        else if name.hasSuffix(".ass") || name.hasSuffix(".ssa") { self = .ass }
        else { return nil }
    }
}

/// A parsed file: its cues and the records that could not be read (each naming its line).
public struct ParsedSubtitles: Sendable {
    public var cues: [SubtitleCue] = []
    public var problems: [(line: Int, message: String)] = []
}

/// Reads `[hh:]mm:ss[.,]fff` (SRT, WebVTT) and `h:mm:ss.cc` (ASS) timestamps.
enum SubtitleTime {
    static func parse(_ text: Substring) -> Double? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count) else { return nil }
        let secondsPart = parts.last!.replacingOccurrences(of: ",", with: ".")
        let secondsPieces = secondsPart.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(secondsPieces.count), let whole = Int(secondsPieces[0]), secondsPieces[0].count == 2,
              (0..<60).contains(whole) else { return nil }
        var fraction = 0.0
        if secondsPieces.count == 2 {
            let digits = secondsPieces[1]
            guard (1...3).contains(digits.count), digits.allSatisfy(\.isASCIIDigit), let value = Double(digits) else { return nil }
            fraction = value / pow(10, Double(digits.count))
        }
        guard let minutes = Int(parts[parts.count - 2]), (0..<60).contains(minutes) else { return nil }
        var hours = 0
        if parts.count == 3 {
            guard let value = Int(parts[0]), value >= 0 else { return nil }
            hours = value
        }
        return Double(hours * 3600 + minutes * 60 + whole) + fraction
    }

    /// `start --> end` with optional WebVTT settings after the end.
    static func parseRange(_ line: String) -> (Double, Double)? {
        guard let arrow = line.range(of: "-->") else { return nil }
        let endText = line[arrow.upperBound...].trimmingCharacters(in: .whitespaces)
        let endStamp = endText.split(separator: " ", maxSplits: 1).first ?? ""
        guard let start = parse(line[..<arrow.lowerBound]), let end = parse(endStamp) else { return nil }
        return (start, end)
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
