import Foundation

/// The text encodings a Cantonese team meets: UTF-8 (with or without BOM), UTF-16 (Windows
/// exports), Big5-HKSCS (Hong Kong files, subtitles, old forums) and GB18030 (mainland files).
public enum TextEncoding: String, Sendable, Codable, CaseIterable {
    /// Decide from a BOM, then from the first 64 KiB (see `EncodingDetector`).
    case auto
    case utf8 = "utf-8"
    /// UTF-16 with the byte order from its BOM, or guessed from where the zero bytes sit.
    case utf16 = "utf-16"
    case utf16LE = "utf-16le"
    case utf16BE = "utf-16be"
    case big5HKSCS = "big5-hkscs"
    case gb18030

    /// The name glibc's iconv knows the encoding by.
    var iconvName: String? {
        switch self {
        case .auto, .utf16: return nil
        case .utf8: return "UTF-8"
        case .utf16LE: return "UTF-16LE"
        case .utf16BE: return "UTF-16BE"
        case .big5HKSCS: return "BIG5-HKSCS"
        case .gb18030: return "GB18030"
        }
    }

    /// Reads a charset label as written in HTML `<meta charset>` or by people (`big5`, `gbk`).
    /// Big5 and GBK labels map to their supersets, which decode the same bytes and more.
    public init?(label: String) {
        switch label.lowercased().trimmingCharacters(in: .whitespaces) {
        case "utf-8", "utf8": self = .utf8
        case "utf-16", "utf16": self = .utf16
        case "utf-16le": self = .utf16LE
        case "utf-16be": self = .utf16BE
        case "big5", "big5-hkscs", "big5hkscs", "x-x-big5", "cp950": self = .big5HKSCS
        case "gb18030", "gbk", "gb2312", "cp936", "x-gbk": self = .gb18030
        case "auto": self = .auto
        default: return nil
        }
    }
}
