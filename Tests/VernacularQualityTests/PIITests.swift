import Testing
import VernacularCore
@testable import VernacularQuality

@Suite struct PIITests {
    let redactor = PIIRedactor()

    func redacted(_ text: String) -> String { redactor.redact(text).text }

    @Test func emailsInsideCantoneseText() {
        let (text, counts) = redactor.redact("有問題就電郵去chan.tai-man+hk@mail.example.com.hk啦，唔該。")
        #expect(text == "有問題就電郵去<EMAIL>啦，唔該。")
        #expect(counts[.email] == 1)
        // A full stop after the address ends the sentence, not the domain.
        #expect(redacted("寫信去 info@example.org.") == "寫信去 <EMAIL>.")
        #expect(redacted("佢個 handle 係 @siu_ming，唔係電郵") == "佢個 handle 係 @siu_ming，唔係電郵")
        #expect(redacted("a@b 同 x@y.c 都唔係") == "a@b 同 x@y.c 都唔係")
    }

    @Test func hongKongPhoneNumbers() {
        #expect(redacted("打去23456789搵我") == "打去<PHONE>搵我")
        #expect(redacted("手機 9123 4567 或者 6123-4567") == "手機 <PHONE> 或者 <PHONE>")
        #expect(redacted("總機：+852 2345 6789。") == "總機：<PHONE>。")
        #expect(redacted("(852) 3123 4567 係辦公室") == "<PHONE> 係辦公室")
        #expect(redacted("852 5123 4567") == "<PHONE>")
        // Eight digits starting with 0 or 1 are not Hong Kong numbers; seven or nine digits neither.
        #expect(redacted("編碼 12345678") == "編碼 12345678")
        #expect(redacted("2345678 同 234567890") == "2345678 同 234567890")
    }

    @Test func internationalPhoneNumbers() {
        #expect(redacted("London office: +44 20 7946 0958") == "London office: <PHONE>")
        #expect(redacted("深圳 +86-755-1234-5678 搵佢") == "深圳 <PHONE> 搵佢")
        #expect(redacted("+1 23") == "+1 23")  // too short for any phone number
    }

    @Test func hkidNeedsTheRightCheckDigit() {
        let (text, counts) = redactor.redact("佢身份證係A123456(3)，細佬係AB987654(3)，阿婆係Z100003(A)")
        #expect(text == "佢身份證係<HKID>，細佬係<HKID>，阿婆係<HKID>")
        #expect(counts[.hkid] == 3)
        #expect(redacted("全形括號 A123456（3） 都得") == "全形括號 <HKID> 都得")
        #expect(redacted("冇括號 A1234563 都得") == "冇括號 <HKID> 都得")
        // Wrong check digits are not identity numbers.
        #expect(redacted("A123456(4) 同 AB987654(2) 同 Z100003(0)") == "A123456(4) 同 AB987654(2) 同 Z100003(0)")
        // Part of a longer code.
        #expect(redacted("XA123456(3)") == "XA123456(3)")
    }

    @Test func cardNumbersNeedTheLuhnCheck() {
        #expect(redacted("張卡 4111 1111 1111 1111 過期喇") == "張卡 <CARD> 過期喇")
        #expect(redacted("5500-0000-0000-0004") == "<CARD>")
        #expect(redacted("Amex 378282246310005") == "Amex <CARD>")
        let (text, counts) = redactor.redact("4111 1111 1111 1112 同 5500000000000005")
        #expect(text == "4111 1111 1111 1112 同 5500000000000005")
        #expect(counts.total == 0)
    }

    @Test func ipAddresses() {
        #expect(redacted("伺服器喺192.168.1.20，備用10.0.0.1。") == "伺服器喺<IP>，備用<IP>。")
        #expect(redacted("IPv6 2001:db8::8a2e:370:7334 同 fe80::1") == "IPv6 <IP> 同 <IP>")
        #expect(redacted("256.1.1.1 同 01.2.3.4 唔係") == "256.1.1.1 同 01.2.3.4 唔係")
    }

    @Test func lookalikesAreLeftAlone() {
        let text = """
            今日係2024-03-15，會議喺15/03/2024 14:30:00開始。
            呢部機賣HK$23,456,789，另一部$12345678，仲有23456789元嘅樓。
            升級到v1.2.3同2.10.4版本，或者1.2.3.4.5版。
            人口係7,413,070人，增長12.5%，訂單號#23456789，電影年份19981999。
            """
        let (out, counts) = redactor.redact(text)
        #expect(out == text)
        #expect(counts.total == 0)
    }

    @Test func onlyTheAskedKindsAreRedacted() {
        let phonesOnly = PIIRedactor(kinds: [.phone])
        #expect(phonesOnly.redact("a@example.com 23456789").text == "a@example.com <PHONE>")
    }

    @Test func checkCharacterAndLuhnAgreeWithKnownNumbers() {
        #expect(PIIRedactor.hkidCheckCharacter(letters: [10], digits: [1, 2, 3, 4, 5, 6]) == UInt8(ascii: "3"))
        #expect(PIIRedactor.luhnValid(Array("79927398713".utf8)))
        #expect(!PIIRedactor.luhnValid(Array("79927398710".utf8)))
    }

    @Test func stageCountsAndAnnotates() throws {
        let stage = PIIStage()
        var counters = StageCounters()
        var document = Document(id: "1", text: "搵我：23456789 或 siu.ming@example.hk", source: "t")
        #expect(try stage.process(&document, counters: &counters) == .keep)
        #expect(document.text == "搵我：<PHONE> 或 <EMAIL>")
        #expect(counters.values["pii_phone"] == 1)
        #expect(counters.values["pii_email"] == 1)
        #expect(counters.values["redacted_documents"] == 1)
        #expect(document.meta["pii"] == .object(["email": JSONValue(1), "phone": JSONValue(1)]))

        var clean = Document(id: "2", text: "冇嘢要改", source: "t")
        #expect(try stage.process(&clean, counters: &counters) == .keep)
        #expect(clean.meta["pii"] == nil)
    }
}
