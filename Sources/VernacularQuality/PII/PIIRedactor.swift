/// Finds e-mail addresses, phone numbers, Hong Kong identity card numbers, payment card numbers
/// and IP addresses in text and replaces them with typed placeholders.
///
/// Every pattern is ASCII (or ASCII with full-width brackets), so the scanner works on UTF-8
/// bytes: a Han character is only bytes >= 0x80, which never extend an ASCII token, so
/// "電話23456789" and "電郵abc@example.com" are found without spaces around them. Matches must
/// start and end at a token boundary so that parts of longer numbers or words never match.
/// Identity and card numbers count only when their check digit is right: a wrong one is far more
/// often an order number or a typo than a real identifier, and redacting it would hide text.
public struct PIIRedactor: Sendable {
    public let kinds: Set<PIIKind>

    public init(kinds: Set<PIIKind> = Set(PIIKind.allCases)) { self.kinds = kinds }

    /// One match: bytes `range` of the input are of `kind`.
    public struct Match: Sendable, Equatable {
        public let range: Range<Int>
        public let kind: PIIKind
    }

    /// The text with each match replaced by its placeholder, and the matches counted by kind.
    public func redact(_ text: String) -> (text: String, counts: PIICounts) {
        var counts = PIICounts()
        var input = text
        let output: String? = input.withUTF8 { bytes in
            let matches = Self.scan(bytes, kinds: kinds)
            guard !matches.isEmpty else { return nil }
            var out = [UInt8]()
            out.reserveCapacity(bytes.count)
            var copied = 0
            for match in matches {
                out.append(contentsOf: bytes[copied..<match.range.lowerBound])
                out.append(contentsOf: match.kind.placeholder.utf8)
                copied = match.range.upperBound
                counts.add(match.kind)
            }
            out.append(contentsOf: bytes[copied..<bytes.count])
            return String(decoding: out, as: UTF8.self)
        }
        return (output ?? text, counts)
    }

    /// The matches in `bytes`, in order and not overlapping.
    public static func scan(_ b: UnsafeBufferPointer<UInt8>, kinds: Set<PIIKind>) -> [Match] {
        var matches: [Match] = []
        let n = b.count
        var i = 0
        while i < n {
            let c = b[i]
            // Every pattern starts with an ASCII letter, digit, '+' or '('.
            guard c < 0x80, isAlnum(c) || c == UInt8(ascii: "+") || c == UInt8(ascii: "(") else {
                i += 1
                continue
            }
            let prev: UInt8 = i > 0 ? b[i - 1] : 0x20
            if kinds.contains(.email), !isEmailLocal(prev), let end = email(b, at: i) {
                matches.append(Match(range: i..<end, kind: .email))
                i = end
                continue
            }
            if kinds.contains(.hkid), isUpper(c), !isAlnum(prev), let end = hkid(b, at: i) {
                matches.append(Match(range: i..<end, kind: .hkid))
                i = end
                continue
            }
            if kinds.contains(.ip), !isAlnum(prev), prev != UInt8(ascii: "."), prev != UInt8(ascii: ":") {
                if isDigit(c), let end = ipv4(b, at: i) {
                    matches.append(Match(range: i..<end, kind: .ip))
                    i = end
                    continue
                }
                if isHex(c), let end = ipv6(b, at: i) {
                    matches.append(Match(range: i..<end, kind: .ip))
                    i = end
                    continue
                }
            }
            if isDigit(c) || c == UInt8(ascii: "+") || c == UInt8(ascii: "("), !isAlnum(prev), !quantityPrefix(prev) {
                let run = numberRun(b, at: i)
                if let kind = run.kind, kinds.contains(kind) {
                    matches.append(Match(range: i..<run.end, kind: kind))
                    i = run.end
                    continue
                }
                if run.end > i {
                    // The whole run failed: none of its groups may start a match of its own, or
                    // "2024 23456789" would lose its tail.
                    i = run.end
                    continue
                }
            }
            // No match here: no pattern may start inside this word or number either.
            i += 1
            if isAlnum(c) { while i < n, isAlnum(b[i]) { i += 1 } }
        }
        return matches
    }

    // MARK: E-mail

    /// `local@label.label...tld` with a letters-only top-level domain of two or more letters.
    static func email(_ b: UnsafeBufferPointer<UInt8>, at start: Int) -> Int? {
        let n = b.count
        var j = start
        while j < n, isEmailLocal(b[j]) { j += 1 }
        guard j > start, j < n, b[j] == UInt8(ascii: "@"),
              b[start] != UInt8(ascii: "."), b[j - 1] != UInt8(ascii: ".") else { return nil }
        var k = j + 1
        var labels = 0
        var end = k
        var lastLabel = k..<k
        while true {
            let labelStart = k
            while k < n, isAlnum(b[k]) || b[k] == UInt8(ascii: "-") { k += 1 }
            guard k > labelStart else { break }
            labels += 1
            lastLabel = labelStart..<k
            end = k
            // A dot continues the domain only if a label follows; "a@b.com." ends a sentence.
            guard k + 1 < n, b[k] == UInt8(ascii: "."), isAlnum(b[k + 1]) else { break }
            k += 1
        }
        guard labels >= 2, lastLabel.count >= 2, lastLabel.allSatisfy({ isAlpha(b[$0]) }) else { return nil }
        return end
    }

    // MARK: Hong Kong identity card

    /// One or two letters, six digits and a check character (0-9 or A), bare or in ASCII or
    /// full-width brackets: A123456(3), AB987654(2), A1234563, A123456（3）.
    static func hkid(_ b: UnsafeBufferPointer<UInt8>, at start: Int) -> Int? {
        let n = b.count
        let letters = start + 1 < n && isUpper(b[start + 1]) ? 2 : 1
        var j = start + letters
        guard j + 6 <= n else { return nil }
        for k in j..<(j + 6) where !isDigit(b[k]) { return nil }
        j += 6
        guard j < n else { return nil }
        let check: UInt8
        let end: Int
        if b[j] == UInt8(ascii: "("), j + 2 < n, b[j + 2] == UInt8(ascii: ")") {
            check = b[j + 1]
            end = j + 3
        } else if j + 6 < n, b[j] == 0xEF, b[j + 1] == 0xBC, b[j + 2] == 0x88,
                  b[j + 4] == 0xEF, b[j + 5] == 0xBC, b[j + 6] == 0x89 {  // （x）
            check = b[j + 3]
            end = j + 7
        } else {
            check = b[j]
            end = j + 1
        }
        guard end >= n || !isAlnum(b[end]) else { return nil }
        let letterValues = (start..<(start + letters)).map { Int(b[$0] - UInt8(ascii: "A")) + 10 }
        let digits = ((start + letters)..<(start + letters + 6)).map { Int(b[$0] - UInt8(ascii: "0")) }
        guard let expected = hkidCheckCharacter(letters: letterValues, digits: digits) else { return nil }
        return check == expected ? end : nil
    }

    /// The check character of an identity card number: weights 9..2 over (space or letter,
    /// letter, six digits), letters A-Z worth 10-35 and a missing first letter 36; the check makes
    /// the weighted sum a multiple of 11, with 10 written as 'A'.
    static func hkidCheckCharacter(letters: [Int], digits: [Int]) -> UInt8? {
        guard (1...2).contains(letters.count), digits.count == 6 else { return nil }
        let values = (letters.count == 1 ? [36] : []) + letters + digits
        var sum = 0
        for (index, value) in values.enumerated() { sum += value * (9 - index) }
        let check = (11 - sum % 11) % 11
        return check == 10 ? UInt8(ascii: "A") : UInt8(ascii: "0") + UInt8(check)
    }

    // MARK: IP addresses

    /// Dotted quad, each part 0-255 without leading zeros; not followed by more dotted numbers
    /// (a five-part version number is not an address).
    static func ipv4(_ b: UnsafeBufferPointer<UInt8>, at start: Int) -> Int? {
        let n = b.count
        var j = start
        for part in 0..<4 {
            let partStart = j
            var value = 0
            while j < n, isDigit(b[j]), j - partStart < 3 {
                value = value * 10 + Int(b[j] - UInt8(ascii: "0"))
                j += 1
            }
            let length = j - partStart
            guard length > 0, value <= 255, length == 1 || b[partStart] != UInt8(ascii: "0") else { return nil }
            if part < 3 {
                guard j < n, b[j] == UInt8(ascii: ".") else { return nil }
                j += 1
            }
        }
        guard j >= n || (!isAlnum(b[j]) && !(j + 1 < n && b[j] == UInt8(ascii: ".") && isDigit(b[j + 1]))) else {
            return nil
        }
        return j
    }

    /// Eight colon-separated groups of 1-4 hex digits, or fewer with one `::`; it must hold a
    /// digit, so that "cafe::face" in prose does not count.
    static func ipv6(_ b: UnsafeBufferPointer<UInt8>, at start: Int) -> Int? {
        let n = b.count
        var j = start
        var groups = 0
        var compressed = false
        var sawDigit = false
        var end = start
        while j < n {
            let groupStart = j
            while j < n, isHex(b[j]), j - groupStart < 5 {
                if isDigit(b[j]) { sawDigit = true }
                j += 1
            }
            let length = j - groupStart
            if length > 4 { return nil }
            if length > 0 {
                groups += 1
                end = j
            }
            guard j < n, b[j] == UInt8(ascii: ":") else { break }
            if j + 1 < n, b[j + 1] == UInt8(ascii: ":") {
                if compressed { return nil }
                compressed = true
                j += 2
                end = j
                continue
            }
            guard j + 1 < n, isHex(b[j + 1]) else { break }  // "a:b:" ends a phrase: the colon is prose
            j += 1
        }
        guard end >= n || !isAlnum(b[end]) else { return nil }
        guard sawDigit, compressed ? (groups >= 2 && groups <= 7) : groups == 8 else { return nil }
        return end
    }

    // MARK: Card and phone numbers

    /// A run of digit groups joined by single spaces or hyphens, optionally after '+' or a
    /// bracketed area code, judged as a card number (Luhn) or a phone number. `end` is where the
    /// run stopped, so the caller can skip it whole when it is neither.
    static func numberRun(_ b: UnsafeBufferPointer<UInt8>, at start: Int) -> (end: Int, kind: PIIKind?) {
        let n = b.count
        var j = start
        let plus = b[j] == UInt8(ascii: "+")
        if plus { j += 1 }
        var bracketed: [UInt8] = []
        if !plus, b[j] == UInt8(ascii: "(") {
            var k = j + 1
            while k < n, isDigit(b[k]), k - j <= 4 { k += 1 }
            guard k < n, b[k] == UInt8(ascii: ")"), k > j + 1 else { return (start, nil) }
            bracketed = Array(b[(j + 1)..<k])
            j = k + 1
            if j < n, b[j] == UInt8(ascii: " ") || b[j] == UInt8(ascii: "-") { j += 1 }
        }
        var digits: [UInt8] = []
        var groups: [Int] = []
        var end = j
        while j < n, isDigit(b[j]) {
            let groupStart = j
            while j < n, isDigit(b[j]) { j += 1 }
            groups.append(j - groupStart)
            digits.append(contentsOf: b[groupStart..<j])
            end = j
            guard j + 1 < n, b[j] == UInt8(ascii: " ") || b[j] == UInt8(ascii: "-"), isDigit(b[j + 1]) else { break }
            j += 1
        }
        guard !groups.isEmpty else { return (start, nil) }
        // A number that goes on as a decimal, a thousands group, a percentage or a quantity is
        // a figure, not an identifier.
        if end < n {
            let next = b[end]
            if isAlnum(next) || next == UInt8(ascii: "%") { return (end, nil) }
            if next == UInt8(ascii: ".") || next == UInt8(ascii: ","), end + 1 < n, isDigit(b[end + 1]) { return (end, nil) }
            if quantitySuffix(b, at: end) { return (end, nil) }
        }

        if !plus, bracketed.isEmpty, (13...19).contains(digits.count), groups.count <= 5,
           (UInt8(ascii: "2")...UInt8(ascii: "6")).contains(digits[0]), luhnValid(digits) {
            return (end, .card)
        }
        if plus {
            // E.164: at most 15 digits with the country code; fewer than 8 is no phone number.
            return (end, (8...15).contains(digits.count) ? .phone : nil)
        }
        var local = groups
        var localDigits = digits[...]
        if !bracketed.isEmpty {
            guard bracketed == Array("852".utf8) else { return (end, nil) }
        } else if groups.count > 1, groups[0] == 3, digits.starts(with: "852".utf8) {
            local.removeFirst()
            localDigits = localDigits.dropFirst(3)
        }
        // Hong Kong numbers are eight digits, written whole or as 4+4; fixed lines start with 2
        // or 3, mobiles with 4-7 or 9, and 8 is for freephone and service numbers.
        let hongKong = localDigits.count == 8 && (local == [8] || local == [4, 4])
            && localDigits.first! >= UInt8(ascii: "2")
        return (end, hongKong ? .phone : nil)
    }

    /// Luhn: doubling every second digit from the right, the digits of the sum end in 0.
    static func luhnValid<C: Collection>(_ digits: C) -> Bool where C.Element == UInt8 {
        var sum = 0
        for (index, byte) in digits.reversed().enumerated() {
            var value = Int(byte - UInt8(ascii: "0"))
            if index % 2 == 1 {
                value *= 2
                if value > 9 { value -= 9 }
            }
            sum += value
        }
        return sum % 10 == 0
    }

    /// A currency sign or separator before a number makes it a price or part of a longer figure.
    static func quantityPrefix(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "$"), UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: "/"), UInt8(ascii: "-"),
             UInt8(ascii: "#"), UInt8(ascii: "_"): return true
        default: return false
        }
    }

    /// Han counting words and currencies after a number: 元 蚊 萬 億 個 人 次 年 號 位 件.
    static func quantitySuffix(_ b: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        guard index + 2 < b.count, b[index] & 0xF0 == 0xE0 else { return false }
        let scalar = (UInt32(b[index] & 0x0F) << 12) | (UInt32(b[index + 1] & 0x3F) << 6) | UInt32(b[index + 2] & 0x3F)
        return quantityWords.contains(scalar)
    }

    static let quantityWords: Set<UInt32> = Set("元蚊萬億個人次年號位件".unicodeScalars.map(\.value))

    // MARK: Bytes

    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }
    @inline(__always) static func isAlpha(_ c: UInt8) -> Bool { (c | 0x20) &- 0x61 < 26 }
    @inline(__always) static func isUpper(_ c: UInt8) -> Bool { c &- 0x41 < 26 }
    @inline(__always) static func isAlnum(_ c: UInt8) -> Bool { isDigit(c) || isAlpha(c) }
    @inline(__always) static func isHex(_ c: UInt8) -> Bool { isDigit(c) || (c | 0x20) &- 0x61 < 6 }
    @inline(__always) static func isEmailLocal(_ c: UInt8) -> Bool {
        isAlnum(c) || c == UInt8(ascii: ".") || c == UInt8(ascii: "_") || c == UInt8(ascii: "%")
            || c == UInt8(ascii: "+") || c == UInt8(ascii: "-")
    }
}
