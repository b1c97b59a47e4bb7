import Testing
@testable import VernacularCore

@Suite struct JSONTests {
    @Test func roundTripsKeyOrderNumbersAndHanText() throws {
        let text = #"{"z":1,"text":"佢哋喺度\n\"講\"嘢","big":12345678901234567890,"f":-1.5e-3,"a":[true,null,{"b":"x"}]}"#
        let value = try JSONParser.parse(text)
        #expect(JSONWriter.string(value) == text)
        #expect(value.objectValue?["big"] == .number("12345678901234567890"))
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try JSONParser.parse(#"["\u4f60\u597d","\ud83d\ude00","tab\there","\/"]"#)
        #expect(value == .array([.string("你好"), .string("😀"), .string("tab\there"), .string("/")]))
    }

    @Test(arguments: [
        #"{"a":1"#, #"{"a" 1}"#, #"["unterminated]"#, #"{"a":tru}"#, #"{"a":01}"#,
        #"{"a":"\ud800"}"#, #"{"a":1} trailing"#, "", #"{"a":"\x"}"#,
    ])
    func rejectsMalformedJSON(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test func rejectsInvalidUTF8InStrings() {
        let bytes: [UInt8] = Array(#"{"text":""#.utf8) + [0xE4, 0xBD] + Array(#""}"#.utf8)
        #expect(throws: JSONParseError.self) {
            try bytes.withUnsafeBufferPointer { try JSONParser.parse($0) }
        }
    }

    @Test func refusesHostileNesting() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
    }

    @Test func documentKeepsUnknownFieldsInMeta() throws {
        let line = Array(#"{"content":"你好","uid":7,"url":"https://x.hk","meta":{"lang":"yue"}}"#.utf8)
        let document = try line.withUnsafeBufferPointer {
            try Document.decode(jsonLine: $0, mapping: DocumentFieldMapping(textField: "content", idField: "uid"),
                                fallbackSource: "in.jsonl", lineNumber: 3)
        }
        #expect(document.id == "7")
        #expect(document.text == "你好")
        #expect(document.source == "in.jsonl")
        #expect(document.meta.keys == ["lang", "url"])
    }

    @Test func missingIdIsDerivedFromSourceAndLine() throws {
        let line = Array(#"{"text":"係咪呀"}"#.utf8)
        let document = try line.withUnsafeBufferPointer {
            try Document.decode(jsonLine: $0, mapping: DocumentFieldMapping(), fallbackSource: "data/a.jsonl", lineNumber: 12)
        }
        #expect(document.id == "data/a.jsonl:12")
    }
}

/// The eight-bytes-a-step string scan against the byte-at-a-time one it replaces.
extension JSONTests {
    @Test func wordScanFindsTheSameByteAsTheSimpleScan() {
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next() -> UInt64 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return state
        }
        // Mostly Han UTF-8 and ASCII letters, with quotes, backslashes and controls (0x00, 0x1F)
        // and the bytes next to them (0x20, 0x21, 0x23, 0x5B, 0x5D, 0x7F, 0x80, 0xFF) sprinkled in.
        let rare: [UInt8] = [0x00, 0x09, 0x0A, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x5B, 0x5C, 0x5D, 0x7F, 0x80, 0xFF]
        let han = Array("佢哋喺度講嘢，好正！".utf8)
        for _ in 0..<3000 {
            let length = Int(next() % 40)
            let bytes: [UInt8] = (0..<length).map { _ in
                let pick = next() % 10
                return pick == 0 ? rare[Int(next() % UInt64(rare.count))] : pick < 6 ? han[Int(next() % UInt64(han.count))] : UInt8(0x61 + next() % 26)
            }
            bytes.withUnsafeBufferPointer { buffer in
                for start in 0...length {
                    #expect(JSONBytes.firstSpecialByte(in: buffer, from: start) == JSONBytes.firstSpecialByteSimple(in: buffer, from: start))
                }
            }
        }
    }

    @Test func writtenStringsMatchASimpleEscaper() throws {
        func simple(_ text: String) -> [UInt8] {
            var out: [UInt8] = [0x22]
            for byte in text.utf8 {
                switch byte {
                case 0x22: out += [0x5C, 0x22]
                case 0x5C: out += [0x5C, 0x5C]
                case 0x0A: out += Array(#"\n"#.utf8)
                case 0x0D: out += Array(#"\r"#.utf8)
                case 0x09: out += Array(#"\t"#.utf8)
                case ..<0x20: out += Array(#"\u00"#.utf8) + Array((byte < 0x10 ? "0" : "").utf8) + Array(String(byte, radix: 16).utf8)
                default: out.append(byte)
                }
            }
            return out + [0x22]
        }
        let texts = ["", "佢話：\"今晚打邊爐\"，我話\\唔得\\。", "tab\there\r\nnext\u{01}\u{1F}\u{7F}",
                     String(repeating: "係呀。", count: 7) + "\"", "ABCDEFGH\"", "ABCDEFG\u{0}"]
        for text in texts {
            var out: [UInt8] = []
            JSONWriter.appendString(text, to: &out)
            #expect(out == simple(text), "\(text)")
            #expect(try JSONParser.parse(String(decoding: out, as: UTF8.self)) == .string(text))
        }
    }
}
