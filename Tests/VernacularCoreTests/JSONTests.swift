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
