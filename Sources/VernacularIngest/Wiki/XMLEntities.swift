#if canImport(Glibc)
import Glibc
#endif

/// Decodes the five XML entities and numeric references in dump text. An unknown entity or a
/// bare `&` is malformed XML (MediaWiki always escapes `&`), reported rather than guessed at.
enum XMLEntities {
    struct BadEntity: Error { let text: String }

    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) throws(BadEntity) {
        var index = 0
        let count = bytes.count
        guard let base = bytes.baseAddress else { return }
        while index < count {
            // Copy the run up to the next `&` at once: most of a page's text has no entity.
            guard let hit = memchr(base + index, Int32(UInt8(ascii: "&")), count - index) else {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<count]))
                return
            }
            let ampersand = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if ampersand > index {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<ampersand]))
                index = ampersand
            }
            var end = index + 1
            while end < count, end - index < 12, bytes[end] != UInt8(ascii: ";") { end += 1 }
            guard end < count, bytes[end] == UInt8(ascii: ";") else {
                throw BadEntity(text: String(decoding: bytes[index..<min(count, index + 12)], as: UTF8.self))
            }
            let name = bytes[(index + 1)..<end]
            // The four entities that make up nearly all of a dump's, without making a String.
            if name.count == 2, name[name.startIndex + 1] == UInt8(ascii: "t") {
                if name[name.startIndex] == UInt8(ascii: "l") { out.append(UInt8(ascii: "<")); index = end + 1; continue }
                if name[name.startIndex] == UInt8(ascii: "g") { out.append(UInt8(ascii: ">")); index = end + 1; continue }
            }
            if name.count == 3, name.elementsEqual("amp".utf8) { out.append(UInt8(ascii: "&")); index = end + 1; continue }
            if name.count == 4, name.elementsEqual("quot".utf8) { out.append(UInt8(ascii: "\"")); index = end + 1; continue }
            switch String(decoding: name, as: UTF8.self) {
            case "lt": out.append(UInt8(ascii: "<"))
            case "gt": out.append(UInt8(ascii: ">"))
            case "amp": out.append(UInt8(ascii: "&"))
            case "quot": out.append(UInt8(ascii: "\""))
            case "apos": out.append(UInt8(ascii: "'"))
            case let reference where reference.hasPrefix("#"):
                let digits = reference.dropFirst()
                let value = digits.hasPrefix("x") || digits.hasPrefix("X")
                    ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
                guard let value, let scalar = Unicode.Scalar(value) else {
                    throw BadEntity(text: "&" + reference + ";")
                }
                out.append(contentsOf: String(Character(scalar)).utf8)
            case let other:
                throw BadEntity(text: "&" + other + ";")
            }
            index = end + 1
        }
    }
}
