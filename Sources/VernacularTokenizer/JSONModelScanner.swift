/// Reads `model.vocab` and `model.merges` of a tokenizer.json byte-exactly. `JSONSerialization`
/// hands back a `[String: Any]`, and Swift strings compare by canonical equivalence, so distinct
/// tokens such as "e\u{301}" and "é" would collapse into one key (Gemma 3 has 434 such pairs);
/// it also drops a U+FEFF that starts a string, which Gemma's merges contain.
struct JSONModelScanner {
    private let bytes: [UInt8]
    private var i = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The UTF-8 bytes of each key of `root.model.vocab`, with its id.
    static func vocabulary(in bytes: [UInt8]) throws -> [[UInt8]: Int32] {
        var scanner = JSONModelScanner(bytes)
        guard try scanner.seek(key: "model"), try scanner.seek(key: "vocab") else {
            throw TokenizerError.malformed("missing 'model.vocab'")
        }
        return try scanner.readVocabularyObject()
    }

    /// `root.model.merges`, written either as "left right" strings or as [left, right] arrays.
    static func merges(in bytes: [UInt8]) throws -> [([UInt8], [UInt8])] {
        var scanner = JSONModelScanner(bytes)
        guard try scanner.seek(key: "model"), try scanner.seek(key: "merges") else {
            throw TokenizerError.malformed("missing 'model.merges'")
        }
        return try scanner.readMerges()
    }

    private mutating func readMerges() throws -> [([UInt8], [UInt8])] {
        skipSpace()
        try expect(UInt8(ascii: "["))
        var merges: [([UInt8], [UInt8])] = []
        while true {
            skipSpace()
            if peek() == UInt8(ascii: "]") { return merges }
            if peek() == UInt8(ascii: "[") {
                i += 1
                skipSpace()
                let left = try readString()
                skipSpace()
                try expect(UInt8(ascii: ","))
                skipSpace()
                let right = try readString()
                skipSpace()
                try expect(UInt8(ascii: "]"))
                merges.append((left, right))
            } else {
                let line = try readString()
                let parts = line.split(separator: 0x20, omittingEmptySubsequences: false)
                guard parts.count == 2 else {
                    throw TokenizerError.malformed("merge #\(merges.count) '\(String(decoding: line, as: UTF8.self))' is not two tokens")
                }
                merges.append((Array(parts[0]), Array(parts[1])))
            }
            skipSpace()
            if peek() == UInt8(ascii: ",") { i += 1 }
        }
    }

    /// Moves into the object at the cursor and stops at the value of `key`; false if absent.
    private mutating func seek(key: String) throws -> Bool {
        skipSpace()
        try expect(UInt8(ascii: "{"))
        let wanted = Array(key.utf8)
        while true {
            skipSpace()
            if peek() == UInt8(ascii: "}") { return false }
            let name = try readString()
            skipSpace()
            try expect(UInt8(ascii: ":"))
            skipSpace()
            if name == wanted { return true }
            try skipValue()
            skipSpace()
            if peek() == UInt8(ascii: ",") { i += 1 }
        }
    }

    private mutating func readVocabularyObject() throws -> [[UInt8]: Int32] {
        skipSpace()
        try expect(UInt8(ascii: "{"))
        var vocab: [[UInt8]: Int32] = [:]
        while true {
            skipSpace()
            if peek() == UInt8(ascii: "}") { return vocab }
            let key = try readString()
            skipSpace()
            try expect(UInt8(ascii: ":"))
            skipSpace()
            let start = i
            while i < bytes.count, bytes[i] == UInt8(ascii: "-") || (bytes[i] >= 0x30 && bytes[i] <= 0x39) { i += 1 }
            guard let id = Int32(String(decoding: bytes[start..<i], as: UTF8.self)) else {
                throw TokenizerError.malformed("vocab entry '\(String(decoding: key, as: UTF8.self))' has no integer id")
            }
            vocab[key] = id
            skipSpace()
            if peek() == UInt8(ascii: ",") { i += 1 }
        }
    }

    private func peek() -> UInt8? { i < bytes.count ? bytes[i] : nil }

    private mutating func expect(_ byte: UInt8) throws {
        guard peek() == byte else {
            throw TokenizerError.malformed("tokenizer.json: expected '\(Character(Unicode.Scalar(byte)))' at byte \(i)")
        }
        i += 1
    }

    private mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    private mutating func skipValue() throws {
        guard let c = peek() else { throw TokenizerError.malformed("tokenizer.json ends early") }
        switch c {
        case UInt8(ascii: "\""):
            _ = try readString()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            // Track nesting; strings may contain brackets, so read them whole.
            var depth = 0
            repeat {
                guard let b = peek() else { throw TokenizerError.malformed("tokenizer.json ends inside a value") }
                if b == UInt8(ascii: "\"") {
                    _ = try readString()
                    continue
                }
                if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") { depth += 1 }
                if b == UInt8(ascii: "}") || b == UInt8(ascii: "]") { depth -= 1 }
                i += 1
            } while depth > 0
        default:
            while let b = peek(), b != UInt8(ascii: ","), b != UInt8(ascii: "}"), b != UInt8(ascii: "]") { i += 1 }
        }
    }

    /// A JSON string's content as UTF-8, escapes resolved.
    private mutating func readString() throws -> [UInt8] {
        try expect(UInt8(ascii: "\""))
        var out: [UInt8] = []
        while true {
            guard let b = peek() else { throw TokenizerError.malformed("tokenizer.json ends inside a string") }
            i += 1
            if b == UInt8(ascii: "\"") { return out }
            if b != UInt8(ascii: "\\") {
                out.append(b)
                continue
            }
            guard let e = peek() else { throw TokenizerError.malformed("tokenizer.json ends inside an escape") }
            i += 1
            switch e {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                var scalar = try readHex4()
                if scalar >= 0xD800 && scalar < 0xDC00, peek() == UInt8(ascii: "\\"), i + 1 < bytes.count,
                    bytes[i + 1] == UInt8(ascii: "u")
                {
                    i += 2
                    let low = try readHex4()
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                let value = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                out.append(contentsOf: Array(String(Character(value)).utf8))
            default: out.append(e)  // \" \\ \/
            }
        }
    }

    private mutating func readHex4() throws -> UInt32 {
        guard i + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[i..<(i + 4)], as: UTF8.self), radix: 16) else {
            throw TokenizerError.malformed("bad \\u escape at byte \(i)")
        }
        i += 4
        return v
    }
}
