import Foundation
import Testing
import VernacularCore
@testable import VernacularIngest

@Suite struct HKCanCorReaderTests {
    // A transcript in the shape pycantonese ships (CHAT), written for this test.
    let transcript = """
        @UTF8
        @Begin
        @Languages:\tyue , eng
        @Date:\t30-APR-1997
        *XXA:\t喂 遲 啲 去 唔 去 旅行 啊 ?
        %mor:\te|wai3 a|ci4 u|di1 v|heoi3 d|m4 v|heoi3 vn|leoi5hang4 y|aa3
        \t?
        *XXB:\tHigh season 去 𡃉 喎 .
        %mor:\txa|high0 xn|season0 v|heoi3 y|gaa3 y|wo3 .
        *XXA:\t我 聽 朋友 講 , 誒 , Orlando 嗰個 舊 - 嗰個
        \t迪士尼 呢 .
        @End
        """

    @Test func joinsTokensAsWrittenCantonese() throws {
        let (utterances, headers) = try HKCanCorReader().parse(transcript, file: "t.cha")
        #expect(utterances.map(\.text) == [
            "喂遲啲去唔去旅行啊？",
            "High season去𡃉喎。",
            "我聽朋友講，誒，Orlando嗰個舊嗰個迪士尼呢。",
        ])
        #expect(utterances.map(\.speaker) == ["XXA", "XXB", "XXA"])
        #expect(headers["Date"] == "30-APR-1997")
    }

    @Test func fileBecomesOneDialogueDocument() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hkcancor-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data(transcript.utf8).write(to: URL(fileURLWithPath: folder + "/FC-001_v2.cha"))
        let documents = try HKCanCorReader().documents(inFolder: folder)
        #expect(documents.count == 1)
        #expect(documents[0].id == "hkcancor/FC-001_v2")
        #expect(documents[0].text.split(separator: "\n").count == 3)
        #expect(documents[0].meta["speakers"] == .array([.string("XXA"), .string("XXB")]))
    }

    @Test func mainTierWithoutColonIsAnErrorNamingTheLine() {
        #expect(throws: HKCanCorReader.FormatError.self) {
            try HKCanCorReader().parse("@Begin\n*XXA 冇冒號\n", file: "bad.cha")
        }
    }
}
