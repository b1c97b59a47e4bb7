import Foundation
import Testing
import VernacularTokenizer

/// Our ids must equal the reference implementation's on every fixture text, and decoding must
/// give the reference's text back.
@Suite struct AgreementTests {
    static let committed = ["tiny-bytelevel", "tiny-sentencepiece", "tiny-spm"]
    static let generated = ["qwen2.5", "llama3.2", "smollm2", "smollm2-hf", "gemma3", "gemma3-hf"]

    @Test("committed tokenizers agree with their reference", arguments: committed)
    func committedAgreement(name: String) throws {
        try checkAgreement(name)
    }

    @Test(
        "real tokenizers agree with Hugging Face (run bench/tokenize/make_agreement_fixtures.py first)",
        .enabled(if: generated.allSatisfy(AgreementFixtures.isAvailable)),
        arguments: generated)
    func realAgreement(name: String) throws {
        try checkAgreement(name)
    }

    private func checkAgreement(_ name: String) throws {
        let expectation = try #require(AgreementFixtures.expectations[name])
        let tokenizer = try AgreementFixtures.load(expectation)
        let texts = AgreementFixtures.texts
        #expect(expectation.cases.count == texts.count)
        let skip = Set(expectation.skip ?? [])
        // The sentencepiece reference decodes without BOS; Hugging Face's keeps specials.
        let skipSpecials = expectation.reference == "sentencepiece"
        var agreed = 0
        for (index, (text, expected)) in zip(texts, expectation.cases).enumerated() where !skip.contains(index) {
            let ids = tokenizer.encode(text)
            if ids == expected.ids {
                agreed += 1
            } else {
                let at = (0..<min(ids.count, expected.ids.count)).first { ids[$0] != expected.ids[$0] } ?? min(ids.count, expected.ids.count)
                Issue.record(
                    """
                    \(name) text #\(index) \(text.debugDescription.prefix(80)): ids differ at \(at): \
                    ours \(Array(ids[at..<min(ids.count, at + 6)])) vs \(Array(expected.ids[at..<min(expected.ids.count, at + 6)]))
                    """)
            }
            let decoded = tokenizer.decode(expected.ids, skipSpecialTokens: skipSpecials)
            #expect(decoded == expected.decoded, "\(name) text #\(index) decodes differently")
            var stream = tokenizer.makeStreamingDecoder(skipSpecialTokens: skipSpecials)
            var streamed = expected.ids.map { stream.append($0) }.joined()
            streamed += stream.finish()
            #expect(streamed == decoded, "\(name) text #\(index) streams differently")
        }
        #expect(agreed == texts.count - skip.count, "\(name): \(agreed) of \(texts.count - skip.count) texts agree")
    }
}
