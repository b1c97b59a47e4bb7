import Foundation
import VernacularCore

/// Options of the `normalize` stage. Defaults are safe for Han text: NFC (NFKC would turn
/// full-width CJK punctuation such as `，` into ASCII and fold compatibility ideographs), only
/// full-width letters and digits become half-width, and Simplified text becomes Hong Kong
/// Traditional.
public struct NormalizeConfig: Sendable, Codable, Equatable, KnownKeys {
    public enum UnicodeForm: String, Sendable, Codable { case none, nfc, nfkc }

    public var unicode: UnicodeForm
    /// Ａ-Ｚ, ａ-ｚ, ０-９ to ASCII: the same word in two widths would otherwise be two words.
    public var fullwidthAlphanumerics: Bool
    /// Also full-width ASCII punctuation (`，` to `,`). Off: Cantonese text uses full-width
    /// punctuation by convention.
    public var fullwidthPunctuation: Bool
    /// C0/C1 control characters other than newline and tab, and invisible zero-width characters
    /// (U+200B, U+2060, U+FEFF, soft hyphen). ZWJ and ZWNJ stay: emoji sequences need ZWJ.
    public var removeInvisible: Bool
    /// Runs of spaces and tabs to one space, trailing spaces cut, 3+ newlines to 2.
    public var collapseWhitespace: Bool
    /// Drop documents left empty.
    public var dropEmpty: Bool
    /// Repair UTF-8 that was decoded as Windows-1252/Latin-1 ("å˜…" back to 嘅): scraped pages and
    /// old forum dumps carry it, and every garbled character would otherwise be three junk letters.
    public var repairMojibake: Bool
    /// OpenCC script conversion: `s2t` (the default: Simplified documents to Traditional, so one
    /// word is not split over two scripts; Traditional documents untouched), `s2hk` (Simplified to
    /// Hong Kong Traditional, and Traditional to Hong Kong variant forms), `t2hk` (only the
    /// latter), `t2s` or `none`.
    public var opencc: ScriptTarget

    public init(unicode: UnicodeForm = .nfc, fullwidthAlphanumerics: Bool = true, fullwidthPunctuation: Bool = false,
                removeInvisible: Bool = true, collapseWhitespace: Bool = true, dropEmpty: Bool = true,
                repairMojibake: Bool = true, opencc: ScriptTarget = .s2t) {
        self.unicode = unicode
        self.fullwidthAlphanumerics = fullwidthAlphanumerics
        self.fullwidthPunctuation = fullwidthPunctuation
        self.removeInvisible = removeInvisible
        self.collapseWhitespace = collapseWhitespace
        self.dropEmpty = dropEmpty
        self.repairMojibake = repairMojibake
        self.opencc = opencc
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case unicode
        case fullwidthAlphanumerics = "fullwidth_alphanumerics"
        case fullwidthPunctuation = "fullwidth_punctuation"
        case removeInvisible = "remove_invisible"
        case collapseWhitespace = "collapse_whitespace"
        case dropEmpty = "drop_empty"
        case repairMojibake = "repair_mojibake"
        case opencc
    }
    public static var knownKeys: [String] { CodingKeys.allCases.map(\.rawValue) }

    public init(from decoder: any Decoder) throws {
        let defaults = NormalizeConfig()
        let container = try decoder.container(keyedBy: CodingKeys.self)
        unicode = try container.decodeIfPresent(UnicodeForm.self, forKey: .unicode) ?? defaults.unicode
        fullwidthAlphanumerics = try container.decodeIfPresent(Bool.self, forKey: .fullwidthAlphanumerics)
            ?? defaults.fullwidthAlphanumerics
        fullwidthPunctuation = try container.decodeIfPresent(Bool.self, forKey: .fullwidthPunctuation)
            ?? defaults.fullwidthPunctuation
        removeInvisible = try container.decodeIfPresent(Bool.self, forKey: .removeInvisible) ?? defaults.removeInvisible
        collapseWhitespace = try container.decodeIfPresent(Bool.self, forKey: .collapseWhitespace)
            ?? defaults.collapseWhitespace
        dropEmpty = try container.decodeIfPresent(Bool.self, forKey: .dropEmpty) ?? defaults.dropEmpty
        repairMojibake = try container.decodeIfPresent(Bool.self, forKey: .repairMojibake) ?? defaults.repairMojibake
        opencc = try container.decodeIfPresent(ScriptTarget.self, forKey: .opencc) ?? defaults.opencc
    }
}

/// Counter names of the `normalize` stage, as they appear in stats.json.
public enum NormalizeCounter {
    public static let unicodeChanged = "unicode_form_changed_documents"
    public static let widthFolded = "fullwidth_folded_chars"
    public static let invisibleRemoved = "invisible_removed_chars"
    public static let whitespaceCollapsed = "whitespace_collapsed_runs"
    public static let changedDocuments = "changed_documents"
    public static let mojibakeDocuments = "mojibake_repaired_documents"
    public static let mojibakeCharacters = "mojibake_repaired_chars"
    public static let openccDocuments = "opencc_converted_documents"
    public static let openccCharacters = "opencc_converted_chars"
}

/// Mojibake repair, Unicode and whitespace normalisation and script conversion, counting every
/// kind of change.
public struct NormalizeStage: Stage {
    public let name = "normalize"
    public let config: NormalizeConfig
    private let script: ScriptConverter?

    /// Opens the OpenCC converters the configuration needs; throws when OpenCC cannot load them.
    public init(config: NormalizeConfig = NormalizeConfig()) throws {
        self.config = config
        script = config.opencc == .none ? nil : try ScriptConverter(target: config.opencc)
    }

    public func process(_ document: inout Document, counters: inout StageCounters) throws -> Verdict {
        let (text, changes) = try normalize(document.text)
        if changes.changed {
            counters.add(NormalizeCounter.changedDocuments)
            document.text = text
        }
        counters.add(NormalizeCounter.unicodeChanged, changes.unicodeForm ? 1 : 0)
        counters.add(NormalizeCounter.widthFolded, changes.widthFolded)
        counters.add(NormalizeCounter.invisibleRemoved, changes.invisibleRemoved)
        counters.add(NormalizeCounter.whitespaceCollapsed, changes.whitespaceRuns)
        if changes.mojibakeRepaired > 0 {
            counters.add(NormalizeCounter.mojibakeDocuments)
            counters.add(NormalizeCounter.mojibakeCharacters, changes.mojibakeRepaired)
        }
        if changes.scriptConverted > 0 {
            counters.add(NormalizeCounter.openccDocuments)
            counters.add(NormalizeCounter.openccCharacters, changes.scriptConverted)
        }
        if config.dropEmpty, text.utf8.isEmpty { return .drop(DropReason("empty_after_normalize")) }
        return .keep
    }

    public struct Changes: Equatable {
        public var unicodeForm = false
        public var widthFolded = 0
        public var invisibleRemoved = 0
        public var whitespaceRuns = 0
        /// Characters restored from mojibake.
        public var mojibakeRepaired = 0
        /// Characters OpenCC changed.
        public var scriptConverted = 0
        /// The output differs from the input in some byte (a dropped leading space, for one,
        /// has no counter of its own).
        public var changed = false
    }

    /// The normalised text and what changed. Unchanged text comes back as the same string.
    public func normalize(_ original: String) throws -> (String, Changes) {
        var changes = Changes()
        var input = original
        // Before everything else: the garbled letters are what NFKC or control removal would alter.
        if config.repairMojibake, let repair = MojibakeRepair.repair(original) {
            input = repair.text
            changes.mojibakeRepaired = repair.repairedCharacters
        }
        // Most documents are already in the form asked for: Foundation (a round trip through
        // NSString, once half of this stage's time) runs only when the quick check cannot tell.
        var text = input
        switch config.unicode {
        case .none: break
        case .nfc where !UnicodeQuickCheck.isNFC(input): text = input.precomposedStringWithCanonicalMapping
        case .nfkc where !UnicodeQuickCheck.isNFKC(input): text = input.precomposedStringWithCompatibilityMapping
        case .nfc, .nfkc: break
        }
        // String == compares canonically equivalent text as equal, so compare the bytes.
        changes.unicodeForm = !UTF8Bytes.same(text, input)

        // Built as UTF-8 bytes: appending to a String.UnicodeScalarView costs more than the loop.
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        var evidence = ScriptEvidence()
        let tables = script?.tables
        var pendingSpace = false
        var newlines = 0
        for scalar in text.unicodeScalars {
            var value = scalar.value
            if config.removeInvisible, Self.isInvisible(value) {
                changes.invisibleRemoved += 1
                continue
            }
            if (0xFF01...0xFF5E).contains(value) {
                let isAlphanumeric = (0xFF10...0xFF19).contains(value) || (0xFF21...0xFF3A).contains(value)
                    || (0xFF41...0xFF5A).contains(value)
                if isAlphanumeric ? config.fullwidthAlphanumerics : config.fullwidthPunctuation {
                    value -= 0xFEE0
                    changes.widthFolded += 1
                }
            }
            // Han characters are never folded, removed or whitespace: tally them as they pass.
            if value >= ScriptTables.range.lowerBound, let tables { tables.tally(value, into: &evidence) }
            guard config.collapseWhitespace else {
                UTF8Bytes.append(value, to: &output)
                continue
            }
            switch value {
            case 0x20, 0x09:
                if pendingSpace { changes.whitespaceRuns += 1 }
                pendingSpace = true
            case 0x0A:
                if pendingSpace { changes.whitespaceRuns += 1 }  // trailing space cut
                pendingSpace = false
                newlines += 1
            default:
                if newlines > 0 {
                    if newlines > 2 { changes.whitespaceRuns += 1 }
                    if !output.isEmpty {
                        output.append(0x0A)
                        if newlines > 1 { output.append(0x0A) }
                    }
                    newlines = 0
                } else if pendingSpace, !output.isEmpty {
                    output.append(0x20)
                }
                pendingSpace = false
                UTF8Bytes.append(value, to: &output)
            }
        }
        var result: String?
        if let script, let step = script.step(for: evidence) {
            switch step {
            case .hongKongVariants:
                changes.scriptConverted = script.tables.replaceHongKongVariants(in: &output)
            case .openCC:
                let converted: String
                (converted, changes.scriptConverted) = try script.apply(step, to: String(decoding: output, as: UTF8.self))
                result = converted
            }
        }
        if let result {
            changes.changed = !UTF8Bytes.same(result, original)
            return (changes.changed ? result : original, changes)
        }
        changes.changed = !output.withUnsafeBufferPointer { UTF8Bytes.same(original, $0) }
        return (changes.changed ? String(decoding: output, as: UTF8.self) : original, changes)
    }

    static func isInvisible(_ value: UInt32) -> Bool {
        switch value {
        case 0x0A, 0x09: return false
        case 0x00...0x1F, 0x7F...0x9F: return true  // control characters (CR included: lines end in LF)
        case 0x200B, 0x2060, 0xFEFF, 0x00AD: return true
        default: return false
        }
    }
}
