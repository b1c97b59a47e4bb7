import Foundation
import Testing
import VernacularCore
@testable import VernacularSynth

struct SHA256Tests {
    /// FIPS 180-4's examples, and a body long enough to cross many blocks.
    @Test func knownDigests() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex(Array(repeating: UInt8(ascii: "a"), count: 1_000_000))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        // 55, 56 and 64 bytes: the padding edge cases.
        #expect(SHA256.hex(String(repeating: "a", count: 55)) == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318")
        #expect(SHA256.hex(String(repeating: "a", count: 56)) == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a")
        #expect(SHA256.hex(String(repeating: "a", count: 64)) == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
    }
}

struct TemplateTests {
    @Test func packTemplatesLoadAndFill() throws {
        let settings = try SynthPackSettings.load(packPath: Repository.pack)
        for task in SynthTask.allCases {
            let template = try SynthTemplate.load(path: try #require(settings.templates[task]))
            #expect(template.task == task)
        }
        let translate = try SynthTemplate.load(path: settings.templates[.translate]!)
        let messages = translate.messages(["text": "今天天氣很好。", "source_language": "Standard Written Chinese"])
        #expect(messages.map(\.role) == ["system", "user"])
        #expect(messages[1].content.contains("今天天氣很好。"))
        #expect(messages[1].content.contains("Standard Written Chinese"))
        #expect(!messages[1].content.contains("{"))
        #expect(settings.keepLabels == [.yue, .mixed])
    }

    @Test func unknownPlaceholderNamesFileAndPlaceholder() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/bad.yaml"
        try "task: translate\nuser: \"Translate {txt} please\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: SynthError.self) { try SynthTemplate.load(path: path) }
        #expect("\(error!)".contains(path))
        #expect("\(error!)".contains("{txt}"))
        try "task: translate\nuser: \"hi\"\ntemprature: 0.1\n".write(toFile: path, atomically: true, encoding: .utf8)
        let misspelt = #expect(throws: (any Error).self) { try SynthTemplate.load(path: path) }
        #expect("\(misspelt!)".contains("temprature"))
    }

    @Test func doubledBracesAreLiteral() {
        #expect(SynthTemplate.fill("{{\"a\": \"{text}\"}}", ["text": "x"]) == "{\"a\": \"x\"}")
    }
}

struct TranslationLayoutTests {
    @Test func answersGoBackInPlace() {
        let text = "第一行。\n\n  第二行有縮排。\n---\n最後一行"
        let (parts, pieces) = TranslationLayout.split(text, maxCharacters: 400)
        #expect(pieces == ["第一行。", "第二行有縮排。", "最後一行"])
        #expect(TranslationLayout.join(parts, answers: pieces) == text)
        #expect(TranslationLayout.join(parts, answers: ["A", "B", "C"]) == "A\n\n  B\n---\nC")
    }

    @Test func longLinesAreCutAtSentenceEndsWithoutLoss() {
        let sentence = "呢個係一句好長嘅句子，用嚟測試切割。"
        let line = String(repeating: sentence, count: 20)
        let (parts, pieces) = TranslationLayout.split(line, maxCharacters: 50)
        #expect(pieces.count > 1)
        #expect(pieces.allSatisfy { $0.count <= 50 })
        #expect(pieces.dropLast().allSatisfy { $0.hasSuffix("。") })
        #expect(pieces.joined() == line)
        #expect(TranslationLayout.join(parts, answers: pieces) == line)
    }
}

struct RetryPolicyTests {
    @Test func backoffDoublesWithJitterAndHonoursRetryAfter() {
        let policy = RetryPolicy(maxRetries: 4, baseDelay: 1, maxDelay: 5)
        let server = EndpointError.status(code: 503, message: "busy", retryAfter: nil)
        for retry in 1 ... 4 {
            let full = min(5, Double(1 << (retry - 1)))
            #expect(policy.delay(beforeRetry: retry, after: server, random: { $0.lowerBound }) == full / 2)
            #expect(policy.delay(beforeRetry: retry, after: server, random: { $0.upperBound }) == full)
        }
        #expect(policy.delay(beforeRetry: 5, after: server) == nil)
        let limited = EndpointError.status(code: 429, message: "slow down", retryAfter: 7)
        #expect(policy.delay(beforeRetry: 1, after: limited, random: { $0.upperBound }) == 7)
        #expect(policy.delay(beforeRetry: 1, after: .status(code: 429, message: "", retryAfter: 3600)) == nil)
        for code in [400, 401, 403, 404, 422] {
            #expect(policy.delay(beforeRetry: 1, after: .status(code: code, message: "", retryAfter: nil)) == nil)
        }
        for error in [EndpointError.timeout(seconds: 1), .connection("reset"), .invalidResponse("html")] {
            #expect(policy.delay(beforeRetry: 1, after: error) != nil)
        }
    }
}

struct CheckerTests {
    @Test func judgesGeneratedText() throws {
        let checker = try packChecker()
        #expect(checker.judge("我哋今日去咗街市買餸，佢話啲菜好新鮮。", truncated: false) == nil)
        #expect(checker.judge("我們今天去了市場買菜，他說這些菜非常新鮮。", truncated: false)?.reason == .notCantonese)
        #expect(checker.judge("I'm sorry, but I cannot translate this text.", truncated: false)?.reason == .refused)
        #expect(checker.judge("對不起，我無法幫你翻譯呢段文字。", truncated: false)?.reason == .refused)
        #expect(checker.judge("我哋今日去咗街市買餸，佢話啲菜好新鮮", truncated: true)?.reason == .truncated)
        #expect(checker.judge(String(repeating: "好正呀好正呀", count: 30), truncated: false)?.reason == .repeatedText)
        #expect(checker.judge("係呀", truncated: false)?.reason == .tooShort)
        #expect(checker.judge("   ", truncated: false)?.reason == .empty)
        // English is not Cantonese, however good.
        #expect(checker.judge("We went to the market today and the vegetables were fresh.", truncated: false)?.reason == .notCantonese)
    }

    @Test func instructionPairsParse() {
        let reply = "好，以下係：\n問題：香港有幾多個區？\n答案：香港有十八區。\n\n問題：邊度最多人？\n答案：觀塘區。\n問題：冇答案"
        let pairs = InstructionPairs.parse(reply, instructionMarker: "問題：", answerMarker: "答案：")
        #expect(pairs == [.init(instruction: "香港有幾多個區？", answer: "香港有十八區。"), .init(instruction: "邊度最多人？", answer: "觀塘區。")])
        #expect(InstructionPairs.parse("just text", instructionMarker: "問題：", answerMarker: "答案：").isEmpty)
    }
}
