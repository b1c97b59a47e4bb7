/// HTML character references: the named ones that turn up in wikitext and web pages, and numeric
/// ones. An unknown name is left as written (`&foo;`), as browsers do.
enum HTMLEntities {
    static let named: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "ensp": " ", "emsp": " ",
        "thinsp": " ", "shy": "", "zwj": "\u{200D}", "zwnj": "\u{200C}", "lrm": "", "rlm": "",
        "middot": "·", "hellip": "…", "mdash": "—", "ndash": "–", "minus": "−", "times": "×", "divide": "÷",
        "lsquo": "‘", "rsquo": "’", "ldquo": "“", "rdquo": "”", "laquo": "«", "raquo": "»", "bull": "•",
        "copy": "©", "reg": "®", "trade": "™", "deg": "°", "plusmn": "±", "para": "¶", "sect": "§",
        "euro": "€", "pound": "£", "yen": "¥", "cent": "¢", "frac12": "½", "frac14": "¼", "frac34": "¾",
        "larr": "←", "rarr": "→", "uarr": "↑", "darr": "↓", "harr": "↔", "hearts": "♥", "star": "☆",
        "eacute": "é", "egrave": "è", "agrave": "à", "aacute": "á", "uuml": "ü", "ouml": "ö", "auml": "ä",
        "ccedil": "ç", "ntilde": "ñ", "szlig": "ß", "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ",
        "pi": "π", "mu": "μ", "sup2": "²", "sup3": "³", "prime": "′", "Prime": "″",
    ]

    static func decode(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(UInt8(ascii: "&")) else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "&") else {
                out.append(byte)
                index += 1
                continue
            }
            var end = index + 1
            while end < bytes.count, end - index <= 10, bytes[end] != UInt8(ascii: ";"),
                  isASCIILetterOrDigit(bytes[end]) || bytes[end] == UInt8(ascii: "#") { end += 1 }
            if end < bytes.count, bytes[end] == UInt8(ascii: ";"), end > index + 1,
               let replacement = value(of: String(decoding: bytes[(index + 1)..<end], as: UTF8.self)) {
                out.append(contentsOf: replacement.utf8)
                index = end + 1
            } else {
                out.append(byte)
                index += 1
            }
        }
        return out
    }

    static func decode(_ text: String) -> String {
        String(decoding: decode(Array(text.utf8)), as: UTF8.self)
    }

    private static func value(of name: String) -> String? {
        if name.hasPrefix("#") {
            let digits = name.dropFirst()
            let number = digits.hasPrefix("x") || digits.hasPrefix("X")
                ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
            guard let number, number != 0, let scalar = Unicode.Scalar(number) else { return nil }
            return String(Character(scalar))
        }
        return named[name]
    }
}
