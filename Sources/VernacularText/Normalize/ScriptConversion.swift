import Synchronization

/// Which Chinese script the normalize stage converts documents to, through OpenCC.
public enum ScriptTarget: String, Sendable, Codable, CaseIterable {
    /// Traditional (OpenCC's standard forms), the default: only documents that read as Simplified
    /// change; Traditional documents stay as written. Most Cantonese text, tokenizers and
    /// evaluation sets use these forms (說, 搵), not Hong Kong's variants (説, 揾).
    case s2t
    /// Hong Kong Traditional: documents that read as Simplified go through `s2hk.json`; documents
    /// already Traditional get only what `t2hk.json` does (variant forms such as 衛 to 衞, 說 to 説),
    /// because `s2hk` also rewrites characters Traditional text uses as they are (干擾 would
    /// become 幹擾).
    case s2hk
    /// Hong Kong variant forms for documents that are already Traditional (`t2hk.json`);
    /// Simplified documents are left alone.
    case t2hk
    /// Simplified: documents holding Traditional-only characters go through `t2s.json`.
    case t2s
    /// No script conversion.
    case none
}

/// Per-character facts, read from OpenCC's own dictionaries, that let the stage decide in the
/// scalar loop it already runs whether a document needs OpenCC at all, and which way.
struct ScriptTables: Sendable {
    /// The Han blocks covered: CJK Extension A and the Unified Ideographs (nearly all running text).
    static let range: ClosedRange<UInt32> = 0x3400...0x9FFF

    /// Characters that `s2t` changes (Simplified forms: 们, 说; also a few that Traditional text
    /// uses too, such as 干 and 后, which is why a document is judged by majority).
    private let simplified: [UInt64]
    /// Characters that `t2s` changes (Traditional-only forms: 們, 說, 係).
    private let traditional: [UInt64]
    /// Characters that `t2hk` changes (variants Hong Kong writes otherwise: 衛 to 衞, 說 to 説).
    private let hongKongVariants: [UInt64]
    /// What `t2hk` makes of each of them. Its dictionary (HKVariants) holds single characters
    /// only, so this per-character map is the whole conversion, applied without a call into OpenCC.
    let hongKongForms: [UInt32: Unicode.Scalar]

    @inline(__always) private static func bit(_ set: [UInt64], _ value: UInt32) -> Bool {
        let offset = Int(value - range.lowerBound)
        return set[offset >> 6] & (1 << UInt64(offset & 63)) != 0
    }

    /// The text with Hong Kong variant forms (what `t2hk.json` does) and how many characters changed.
    func hongKongVariants(of text: String) -> (String, Int) {
        var bytes = Array(text.utf8)
        let changed = replaceHongKongVariants(in: &bytes)
        return changed == 0 ? (text, 0) : (String(decoding: bytes, as: UTF8.self), changed)
    }

    /// Rewrites UTF-8 text to Hong Kong variant forms in place; returns how many characters changed.
    func replaceHongKongVariants(in bytes: inout [UInt8]) -> Int {
        var changed = 0
        var rewritten: [UInt8] = []
        var copied = 0
        bytes.withUnsafeBufferPointer { input in
            var index = 0
            while index < input.count {
                let lead = input[index]
                // Every character of the range (U+3400-9FFF) is three bytes led by 0xE3-0xE9; a
                // continuation byte is never one of those, so any such byte starts a character.
                guard lead >= 0xE3, lead <= 0xE9, index + 2 < input.count else {
                    index += 1
                    continue
                }
                let value = UInt32(lead & 0x0F) << 12 | UInt32(input[index + 1] & 0x3F) << 6 | UInt32(input[index + 2] & 0x3F)
                if Self.range.contains(value), Self.bit(hongKongVariants, value), let form = hongKongForms[value] {
                    if changed == 0 { rewritten.reserveCapacity(input.count + 8) }
                    rewritten.append(contentsOf: input[copied..<index])
                    UTF8Bytes.append(form.value, to: &rewritten)
                    copied = index + 3
                    changed += 1
                }
                index += 3
            }
            if changed > 0 { rewritten.append(contentsOf: input[copied...]) }
        }
        if changed > 0 { bytes = rewritten }
        return changed
    }

    /// Adds what one scalar says about a document's script.
    @inline(__always) func tally(_ value: UInt32, into evidence: inout ScriptEvidence) {
        guard Self.range.contains(value) else { return }
        evidence.han += 1
        if Self.bit(simplified, value) { evidence.simplified += 1 }
        if Self.bit(traditional, value) { evidence.traditional += 1 }
        if Self.bit(hongKongVariants, value) { evidence.hongKongVariants += 1 }
    }

    /// Built once per process: each configuration converts every character of the range, one
    /// per line, so phrases play no part and the answer is per character.
    static func shared() throws -> ScriptTables {
        try cache.withLock { cached in
            if let cached { return cached }
            let (hongKongVariants, hongKongForms) = try changedCharacters("t2hk.json")
            let tables = ScriptTables(simplified: try changedCharacters("s2t.json").set,
                                      traditional: try changedCharacters("t2s.json").set,
                                      hongKongVariants: hongKongVariants, hongKongForms: hongKongForms)
            cached = tables
            return tables
        }
    }

    private static let cache = Mutex<ScriptTables?>(nil)

    /// The characters a configuration changes, and into what when the result is one character.
    private static func changedCharacters(_ configuration: String) throws -> (set: [UInt64], forms: [UInt32: Unicode.Scalar]) {
        var input = ""
        input.unicodeScalars.reserveCapacity(range.count * 2)
        for value in range {
            input.unicodeScalars.append(Unicode.Scalar(value)!)
            input.unicodeScalars.append("\n")
        }
        let output = try OpenCCConverterPool(configuration: configuration).convert(input)
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= range.count else {
            throw OpenCCError(configuration: configuration, message: "one character a line came back as \(lines.count) lines")
        }
        var set = [UInt64](repeating: 0, count: (range.count + 63) / 64)
        var forms: [UInt32: Unicode.Scalar] = [:]
        for (offset, line) in lines.prefix(range.count).enumerated() {
            let original = Unicode.Scalar(range.lowerBound + UInt32(offset))!
            if !(line.unicodeScalars.count == 1 && line.unicodeScalars.first == original) {
                set[offset >> 6] |= 1 << UInt64(offset & 63)
                if line.unicodeScalars.count == 1 { forms[original.value] = line.unicodeScalars.first }
            }
        }
        return (set, forms)
    }
}

/// Counts of a document's Han characters by what they say about its script.
struct ScriptEvidence {
    var han = 0
    var simplified = 0
    var traditional = 0
    var hongKongVariants = 0
}

/// What a document needs to reach the target script.
enum ScriptStep {
    /// A call into OpenCC (segmentation and phrase dictionaries).
    case openCC(OpenCCConverterPool)
    /// Traditional text to Hong Kong variant forms, character by character.
    case hongKongVariants
}

/// The OpenCC converters a stage needs for its target, and the choice between them.
struct ScriptConverter: Sendable {
    let target: ScriptTarget
    let tables: ScriptTables
    private let fromSimplified: OpenCCConverterPool?
    private let fromTraditional: OpenCCConverterPool?

    init(target: ScriptTarget) throws {
        self.target = target
        tables = try ScriptTables.shared()
        switch target {
        case .s2hk:
            fromSimplified = try OpenCCConverterPool(configuration: "s2hk.json")
            fromTraditional = nil
        case .s2t:
            fromSimplified = try OpenCCConverterPool(configuration: "s2t.json")
            fromTraditional = nil
        case .t2hk:
            fromSimplified = nil
            fromTraditional = nil
        case .t2s:
            fromSimplified = nil
            fromTraditional = try OpenCCConverterPool(configuration: "t2s.json")
        case .none:
            fromSimplified = nil
            fromTraditional = nil
        }
    }

    /// The step a document needs, or nil when there is nothing to do: no Han characters, or
    /// none of the kind the target changes.
    func step(for evidence: ScriptEvidence) -> ScriptStep? {
        guard evidence.han > 0 else { return nil }
        // A document reads as Simplified when it holds more Simplified than Traditional forms.
        let readsSimplified = evidence.simplified > evidence.traditional
        switch target {
        case .s2hk:
            if readsSimplified { return fromSimplified.map(ScriptStep.openCC) }
            return evidence.hongKongVariants > 0 ? .hongKongVariants : nil
        case .s2t: return readsSimplified ? fromSimplified.map(ScriptStep.openCC) : nil
        case .t2hk: return !readsSimplified && evidence.hongKongVariants > 0 ? .hongKongVariants : nil
        case .t2s: return evidence.traditional > 0 ? fromTraditional.map(ScriptStep.openCC) : nil
        case .none: return nil
        }
    }

    /// The text in the target script and the number of characters changed.
    func apply(_ step: ScriptStep, to text: String) throws -> (String, Int) {
        switch step {
        case .hongKongVariants:
            return tables.hongKongVariants(of: text)
        case .openCC(let pool):
            let converted = try pool.convert(text)
            return (converted, Self.changedCharacters(text, converted))
        }
    }

    /// Characters that differ, position by position, plus any difference in length (OpenCC
    /// nearly always maps one character to one).
    static func changedCharacters(_ before: String, _ after: String) -> Int {
        var a = before.unicodeScalars.makeIterator()
        var b = after.unicodeScalars.makeIterator()
        var changed = 0
        while true {
            switch (a.next(), b.next()) {
            case (nil, nil): return changed
            case let (x?, y?): if x != y { changed += 1 }
            default: changed += 1
            }
        }
    }
}
