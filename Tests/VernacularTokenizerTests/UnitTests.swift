import Foundation
import Testing
@testable import VernacularTokenizer

/// Pieces of the pre-tokenisers on inputs that pick between their alternatives.
@Suite struct SplitPatternTests {
    func pieces(_ text: String, _ pre: PreTokenizer) -> [String] {
        let scalars = text.unicodeScalars.map(\.value)
        let classes = text.unicodeScalars.map(ScalarClass.init)
        var ends: [Int] = []
        scalars.withUnsafeBufferPointer { s in
            classes.withUnsafeBufferPointer { c in pre.split(scalars: s, classes: c, start: 0, end: s.count, ends: &ends) }
        }
        var result: [String] = []
        var start = 0
        for end in ends {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: text.unicodeScalars.map { $0 }[start..<end])
            result.append(String(view))
            start = end
        }
        return result
    }

    @Test func gpt2KeepsTheSpaceBeforeAWordAndSplitsContractions() {
        #expect(pieces("I'll  go", PreTokenizer(pattern: .gpt2)) == ["I", "'ll", " ", " go"])
        #expect(pieces("a 12345!! ", PreTokenizer(pattern: .gpt2)) == ["a", " 12345", "!!", " "])
    }

    @Test func llama3GroupsThreeDigitsAndFoldsContractionCase() {
        #expect(pieces("X'LL 12345", PreTokenizer(pattern: .llama3)) == ["X", "'LL", " ", "123", "45"])
        #expect(pieces("$abc\n\n  x", PreTokenizer(pattern: .llama3)) == ["$abc", "\n\n", " ", " x"])
    }

    @Test func qwenTakesDigitsOneByOne() {
        #expect(pieces("v12 ", PreTokenizer(pattern: .qwen2)) == ["v", "1", "2", " "])
    }

    @Test func smolLMIsolatesDigitsBeforeTheGPT2Pattern() {
        #expect(pieces("ab 42x", PreTokenizer(digits: .individual, pattern: .gpt2)) == ["ab", " ", "4", "2", "x"])
    }
}

/// The heap merge loop must give exactly what the linear one gives.
@Suite struct BPEMergerTests {
    @Test func heapAndLinearAgreeOnRandomTables() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            var table = PairTable(expectedCount: 64)
            var next: Int32 = 8
            for rank in 0..<40 {
                let a = Int32.random(in: 0..<next, using: &rng)
                let b = Int32.random(in: 0..<next, using: &rng)
                table.insert(left: a, right: b, merge: .init(rank: Int32(rank), result: next))
                next += 1
            }
            let word = (0..<Int.random(in: 2...300, using: &rng)).map { _ in Int32.random(in: 0..<8, using: &rng) }
            var linear = word
            var heap = word
            BPEMerger.mergeLinear(&linear, table: table)
            BPEMerger.mergeHeap(&heap, table: table)
            #expect(linear == heap)
        }
    }
}

@Suite struct DecodingTests {
    static let tokenizer: Tokenizer = {
        let url = AgreementFixtures.fixtures.appendingPathComponent("tiny-bytelevel.tokenizer.json")
        return try! Tokenizer(huggingFaceJSONAt: url)
    }()

    @Test func streamingHoldsBackPartialCharacters() {
        let t = DecodingTests.tokenizer
        // A byte-level model without 😂 in its vocabulary spells it as four byte tokens.
        let ids = t.encode("😂😂 ok")
        var stream = t.makeStreamingDecoder()
        var pieces = ids.map { stream.append($0) }
        pieces.append(stream.finish())
        #expect(pieces.joined() == "😂😂 ok")
        #expect(!pieces.contains { $0.contains("\u{FFFD}") })
        #expect(pieces.first == "")  // the first byte alone is not a character
    }

    @Test func specialTokensAreSkippedOnRequest() throws {
        let t = DecodingTests.tokenizer
        let ids = t.encode("<|im_start|>user\n你好<|im_end|>")
        #expect(ids.first == t.tokenID(for: "<|im_start|>"))
        #expect(t.decode(ids) == "<|im_start|>user\n你好<|im_end|>")
        #expect(t.decode(ids, skipSpecialTokens: true) == "user\n你好")
    }

    @Test func sentencePieceStripsTheDummyPrefixAndAddsBOS() throws {
        let url = AgreementFixtures.fixtures.appendingPathComponent("tiny-sentencepiece.tokenizer.json")
        let t = try Tokenizer(huggingFaceJSONAt: url)
        let ids = t.encode("佢哋 go 🦄")
        #expect(ids.first == t.bosTokenID)
        #expect(t.decode(ids, skipSpecialTokens: true) == "佢哋 go 🦄")
        #expect(t.encode("x", addSpecialTokens: false).first != t.bosTokenID)
    }
}

@Suite struct LoaderErrorTests {
    func json(normalizer: String = "null", preTokenizer: String = "null", model: String = "BPE") -> Data {
        """
        {"normalizer": \(normalizer), "pre_tokenizer": \(preTokenizer), "decoder": null, "post_processor": null,
         "added_tokens": [], "model": {"type": "\(model)", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": ["a b"]}}
        """.data(using: .utf8)!
    }

    @Test func unsupportedComponentsAreNamed() {
        #expect(throws: TokenizerError.unsupported(component: "normalizer", kind: "NFKC")) {
            try Tokenizer(huggingFaceJSON: json(normalizer: #"{"type": "NFKC"}"#))
        }
        #expect(throws: TokenizerError.unsupported(component: "model", kind: "Unigram")) {
            try Tokenizer(huggingFaceJSON: json(model: "Unigram"))
        }
        #expect(throws: TokenizerError.unsupported(component: "pre_tokenizer", kind: #"Split \w+"#)) {
            try Tokenizer(huggingFaceJSON: json(preTokenizer: #"{"type": "Split", "pattern": {"Regex": "\\w+"}, "behavior": "Isolated", "invert": false}"#))
        }
        #expect(throws: TokenizerError.unsupported(component: "tokenizer.ggml.model", kind: "bert")) {
            try Tokenizer(gguf: GGUFTokenizerData(model: "bert", tokens: ["a"]))
        }
    }

    @Test func badMergesAndTruncatedJSONThrow() {
        let badMerge = #"{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": ["a zz"]}}"#.data(using: .utf8)!
        #expect(throws: TokenizerError.self) { try Tokenizer(huggingFaceJSON: badMerge) }
        #expect(throws: TokenizerError.self) { try Tokenizer(huggingFaceJSON: Data("{\"model\": {".utf8)) }
    }

    @Test func canonicallyEquivalentTokensStayDistinct() throws {
        // "é" precomposed and decomposed are equal as Swift strings but distinct tokens.
        let data = """
            {"model": {"type": "BPE", "byte_fallback": false, "vocab": {"\u{E9}": 0, "e": 1, "\u{301}": 2, "e\u{301}": 3}, "merges": ["e \u{301}"]},
             "normalizer": {"type": "Replace", "pattern": {"String": " "}, "content": "\u{2581}"}}
            """.data(using: .utf8)!
        let t = try Tokenizer(huggingFaceJSON: data)
        #expect(t.encode("\u{E9}") == [0])
        #expect(t.encode("e\u{301}") == [3])
    }
}

@Suite struct NFCQuickCheckTests {
    @Test func cjkToneMarksGoThroughFoundation() {
        // U+302B then U+302A are combining marks NFC reorders (classes 228 and 218): the quick
        // check must not call the text normalised.
        let marks = "\u{9F8D}\u{302B}\u{302A}"
        // (String == is canonical equivalence, so compare the scalars.)
        #expect(Array(NFC.normalize(marks).unicodeScalars) != Array(marks.unicodeScalars))
        #expect(!NFC.isTriviallyNormalized(marks.unicodeScalars.map(\.value)))
        // CJK punctuation and ideographs around them still pass.
        #expect(NFC.isTriviallyNormalized("「佢哋」。".unicodeScalars.map(\.value)))
    }
}
