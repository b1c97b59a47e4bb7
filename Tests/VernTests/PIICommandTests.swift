import Foundation
import Testing

/// `vern pii redact`: one redacted line out per line in, counts on standard error.
@Suite struct PIICommandTests {
    @Test func redactsLineByLineAndCounts() throws {
        var input: [UInt8] = []
        input += Array("有事打23456789或者電郵 siu.ming@example.com.hk\n".utf8)
        input += Array("\n".utf8)                                   // empty stays empty
        input += [0xE4, 0xBD, 0xA0, 0xFF, 0x0A]                     // invalid UTF-8 is repaired, not lost
        input += Array("身份證 A123456(3)，唔啱嘅 A123456(4)".utf8)   // last line without a newline
        let result = try VernBinary.run(["pii", "redact", "--counts"], bytes: input)
        #expect(result.status == 0, "\(result.error)")
        let lines = result.output.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        #expect(lines == ["有事打<PHONE>或者電郵 <EMAIL>", "", "你\u{FFFD}", "身份證 <HKID>，唔啱嘅 A123456(4)"])
        #expect(result.error.contains("phone\t1"))
        #expect(result.error.contains("hkid\t1"))
        #expect(result.error.contains("card\t0"))
    }

    @Test func unknownKindIsAUsageError() throws {
        let result = try VernBinary.run(["pii", "redact", "--kind", "passport"], input: "x\n")
        #expect(result.status != 0)
        #expect(result.error.contains("passport"))
    }
}
