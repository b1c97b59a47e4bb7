import Foundation
import Testing
import VernacularCore
@testable import VernacularDedup

@Suite struct HashTests {
    @Test func valuesArePinnedBecauseTheyAreOnDisk() {
        // Band hashes and signatures in work folders depend on these; a change is a format change.
        #expect(Hash64.hash("") == Hash64.hash(""))
        #expect(Hash64.hash("佢哋") != Hash64.hash("佢哋", seed: 1))
        #expect(Hash64.hash("a") != Hash64.hash("a\u{0}"))
        #expect(Hash64.hash([UInt8]("abcdefgh".utf8)) != Hash64.hash([UInt8]("abcdefgi".utf8)))
        #expect(Hash64.hash("我哋今日去咗旺角") == 0xA1B0837DBC8C2816)
    }

    @Test func oneBitChangesAboutHalfTheOutputBits() {
        // Avalanche: flipping any one input bit should flip close to 32 of the 64 output bits.
        var total = 0, trials = 0
        for value in UInt64(0)..<200 {
            let base = Hash64.mix(value, seed: 7)
            for bit in 0..<64 {
                total += (base ^ Hash64.mix(value ^ (1 << UInt64(bit)), seed: 7)).nonzeroBitCount
                trials += 1
            }
        }
        let mean = Double(total) / Double(trials)
        #expect(abs(mean - 32) < 1, "mean flipped bits \(mean)")
    }
}

@Suite struct NormalizationTests {
    @Test func defaultsFoldWidthSpacePunctuationDigitsAndCase() {
        let normalizer = TextNormalizer()
        let a = normalizer.normalize("２０２６年  iPhone 發佈會，「好正」！")
        let b = normalizer.normalize("1999年 IPHONE 發佈會,好正")
        #expect(a == b)
        #expect(a == "0000年iphone發佈會好正")
        #expect(normalizer.normalize("Hello,world 你 好") == "hello world你好")
    }

    @Test func eachFoldCanBeTurnedOff() {
        let keepDigits = TextNormalizer(TextNormalization(digitsToZero: false))
        #expect(keepDigits.normalize("2026年") != keepDigits.normalize("1999年"))
        let keepPunctuation = TextNormalizer(TextNormalization(stripPunctuation: false))
        #expect(keepPunctuation.normalize("好，正") != keepPunctuation.normalize("好正"))
        let noNFKC = TextNormalizer(TextNormalization(nfkc: false))
        #expect(noNFKC.normalize("ＡＢＣ") != noNFKC.normalize("abc"))
        let keepSpace = TextNormalizer(TextNormalization(foldWhitespace: false))
        #expect(keepSpace.normalize("a  b") != keepSpace.normalize("a b"))
        let keepCase = TextNormalizer(TextNormalization(lowercase: false))
        #expect(keepCase.normalize("MTR") != keepCase.normalize("mtr"))
    }

    @Test func nfkcFastPathMatchesFoundation() {
        // The fast path leaves full-width ASCII for the per-scalar width fold; together they must
        // equal Foundation's NFKC.
        let folded = { (text: String) in
            String(String.UnicodeScalarView(TextNormalizer.nfkc(text).unicodeScalars.map(TextNormalizer.widthFolded)))
        }
        for text in Sentences.all + ["ｆｕｌｌ　ｗｉｄｔｈ！？", "兀", "Ⅻ", "㍿", "ｅ\u{301}", "（轉載）２０２６"] {
            #expect(folded(text) == text.precomposedStringWithCompatibilityMapping, "\(text)")
        }
        // Punctuation left to the caller to strip: equal once punctuation is gone.
        let strip = TextNormalizer()
        for text in ["等等…佢話︰好﹐", "《明報》“新聞”—𡃉"] {
            #expect(strip.normalize(text) == strip.normalize(text.precomposedStringWithCompatibilityMapping))
        }
        let off = TextNormalizer(TextNormalization(nfkc: false, lowercase: false, stripPunctuation: false))
        #expect(off.normalize("ＡＢ，") == "ＡＢ，")
    }
}

@Suite struct ShinglerTests {
    @Test func hanTextIsShingledByCharacters() {
        let shingler = Shingler(ShingleOptions())
        // 10 characters, punctuation ignored: 6 five-character shingles.
        #expect(shingler.shingle("我哋今日，去咗旺角食嘢。") == 6)
        // Shorter than n: one shingle of everything.
        #expect(shingler.shingle("好嘢") == 1)
        #expect(shingler.shingle("。！？") == 0)
    }

    @Test func spacedTextIsShingledByWords() {
        let shingler = Shingler(ShingleOptions(characterNgram: 5, wordNgram: 3))
        // 6 words -> 4 word 3-grams; case and punctuation do not matter.
        #expect(shingler.shingle("The MTR line is closed today.") == 4)
        #expect(shingler.shingleSet("The MTR line is closed today.") == shingler.shingleSet("the mtr line, is closed today"))
    }

    @Test func knownJaccardOfDistinctCharacterTexts() {
        let shingler = Shingler(ShingleOptions())
        // 404 distinct characters = 400 shingles; sharing the first 304 characters = 300 shingles.
        let a = shingler.shingleSet(distinctHan(start: 0, length: 404))
        let b = shingler.shingleSet(distinctHan(start: 0, length: 304) + distinctHan(start: 1000, length: 100))
        #expect(a.count == 400)
        #expect(abs(Shingler.jaccard(a, b) - 300.0 / 500.0) < 1e-9)
    }
}

@Suite struct MinHashTests {
    @Test func signatureAgreementEstimatesJaccard() {
        let hasher = MinHasher(MinHashParameters(hashes: 256, bands: 32, rows: 8))
        var signatureA = [UInt64](repeating: 0, count: 256), signatureB = signatureA
        for (overlap, size) in [(900, 1000), (500, 1000), (100, 1000)] {
            // A = 0..<size, B shifted so |A ∩ B| = overlap: J = overlap / (2 size - overlap).
            let a = (0..<size).map { Hash64.mix(UInt64($0), seed: 3) }
            let b = ((size - overlap)..<(2 * size - overlap)).map { Hash64.mix(UInt64($0), seed: 3) }
            a.withUnsafeBufferPointer { shingles in signatureA.withUnsafeMutableBufferPointer { hasher.signature(of: shingles, into: $0) } }
            b.withUnsafeBufferPointer { shingles in signatureB.withUnsafeMutableBufferPointer { hasher.signature(of: shingles, into: $0) } }
            let estimate = Double(zip(signatureA, signatureB).filter { MinHasher.compact($0) == MinHasher.compact($1) }.count) / 256
            let truth = Double(overlap) / Double(2 * size - overlap)
            // Standard error is sqrt(J(1-J)/256) <= 0.031; allow three of them.
            #expect(abs(estimate - truth) < 0.095, "J \(truth) estimated \(estimate)")
        }
    }

    @Test func radixSortAgreesWithTheStandardSort() {
        var random = SplitMix64(seed: 11)
        var scratch: [UInt32] = []
        for count in [0, 5, 33, 250, 4000] {
            var values = (0..<count).map { _ in UInt32(truncatingIfNeeded: random.next() % (count > 100 ? 1 << 32 : 50)) }
            let expected = values.sorted()
            NearDedup.radixSort(&values, scratch: &scratch)
            #expect(values == expected)
        }
    }

    @Test func sCurveOfTheDefaults() {
        let defaults = MinHashParameters()
        #expect(defaults.bands * defaults.rows == defaults.hashes)
        #expect(defaults.candidateProbability(jaccard: 0.7) > 0.998)
        #expect(defaults.candidateProbability(jaccard: 0.65) > 0.99)
        #expect(abs(defaults.candidateProbability(jaccard: 0.5) - 0.788) < 0.001)
        #expect(abs(defaults.candidateProbability(jaccard: 0.3) - 0.177) < 0.001)
        #expect(defaults.curveMidpoint < 0.45)
        #expect(defaults.requiredAgreements == 68)
        #expect(throws: DedupError.self) { try MinHashParameters(hashes: 10, bands: 5, rows: 3).validate() }
    }

    @Test func languagePackMatchesBuiltInDefaults() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let pack = try DedupPackSettings.load(packPath: root.appendingPathComponent("langs/yue.yaml").path)
        #expect(pack == DedupPackSettings())
        #expect(pack.nearOptions == NearDedupOptions())
    }

    @Test func unknownPackKeyIsAnError() throws {
        let folder = try TestFolder()
        try folder.write("pack.yaml", "code: yue\ndedup:\n  threshhold: 0.8\n")
        #expect(throws: (any Error).self) { try DedupPackSettings.load(packPath: folder.file("pack.yaml")) }
    }
}
