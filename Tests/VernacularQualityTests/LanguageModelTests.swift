import Foundation
import Testing
import VernacularCore
@testable import VernacularQuality

@Suite struct LanguageModelTests {
    /// Cantonese lines written for these tests: particles and pronouns recur, as in real speech.
    static let corpus = [
        "我哋今晚去飲茶。\n你食咗飯未呀？",
        "佢哋聽日唔返工，去行山。",
        "我今晚唔得閒，聽日先去飲茶啦。",
        "你哋食咗飯未？我哋去食飯啦。\n好呀，去邊度食？",
        "佢話今晚落雨，唔好去行山喇。",
        "呢間茶樓啲點心好好食，我哋成日嚟。",
        "你聽日得唔得閒？一齊去睇戲啦。",
        "我唔知佢去咗邊，你問下佢啦。",
    ]

    static func trained(order: Int = 5) throws -> ARPAModel {
        var trainer = try KneserNeyTrainer(order: order)
        for text in corpus { trainer.add(text) }
        return try trainer.train().model
    }

    @Test func tokensAreNonWhitespaceCharactersPerLine() {
        let sentences = CharacterTokens.sentences("我哋 去飲茶。\n\n  \nOK 啦")
        #expect(sentences.map { $0.joined(separator: "|") } == ["我|哋|去|飲|茶|。", "O|K|啦"])
        #expect(CharacterTokens.spaced("我哋 去\nOK") == "我 哋 去\nO K")
    }

    /// Interpolated Kneser-Ney is a distribution: over every word the model can predict, plus
    /// <unk>, p(w | h) sums to 1 for seen, unseen and empty histories.
    @Test func probabilitiesSumToOne() throws {
        let model = try Self.trained()
        let start = model.startID
        let id = { (c: String) in model.ids[c]! }
        let predictable = model.words.indices.map(UInt32.init).filter { $0 != start }
        for history in [[start], [start, id("我"), id("哋")], [id("去"), id("飲"), id("茶"), id("。")], [id("茶"), id("哋")], []] {
            let total = predictable.reduce(0.0) { $0 + pow(10, model.logProb($1, context: history[...])) }
            #expect(abs(total - 1) < 1e-6, "history \(history): \(total)")
        }
    }

    @Test func arpaRoundTripKeepsScores() throws {
        let model = try Self.trained()
        let text = model.arpaText()
        #expect(text.hasPrefix("\\data\\\nngram 1="))
        let back = try ARPAModel.parse(text)
        #expect(back.counts == model.counts)
        for doc in Self.corpus + ["完全冇見過嘅字：鑊鏟", "我哋去飲茶"] {
            let a = model.score(doc), b = back.score(doc)
            #expect(a.tokens == b.tokens)
            #expect(abs(a.log10Probability - b.log10Probability) < 1e-4)
        }
    }

    @Test func seenTextScoresBetterThanUnseenAndCountsUnknowns() throws {
        let model = try Self.trained()
        let seen = model.score("我哋今晚去飲茶。")
        let unseen = model.score("鑊鏟甩轆。")
        #expect(seen.tokens == 9)   // 8 characters and </s>
        #expect(unseen.unknown == 4)
        #expect(seen.perplexity < unseen.perplexity)
        #expect(model.score(" \n").perplexity == .infinity)
    }

    @Test func malformedArpaThrowsWithLine() {
        #expect(throws: LanguageModelError.self) { try ARPAModel.parse("\\data\\\nngram 1=2\n\n\\1-grams:\n-1\ta\n-1\tb\n") }
        #expect(throws: LanguageModelError.self) { try ARPAModel.parse("\\data\\\nngram 1=3\n\n\\1-grams:\n-1\ta\n\\end\\\n") }
        #expect(throws: LanguageModelError.self) { try ARPAModel.parse("\\data\\\nngram 1=1\n\n\\1-grams:\nx\ta\n\\end\\\n") }
        #expect(throws: LanguageModelError.self) { try KneserNeyTrainer(order: 9) }
        #expect(throws: LanguageModelError.self) {
            var t = try KneserNeyTrainer(order: 3)
            t.add("  \n")
            _ = try t.train()
        }
    }

    @Test func cutoffsAndBuckets() throws {
        let cutoffs = try #require(PerplexityCutoffs.compute(perplexities: (1...9).map(Double.init) + [.infinity],
                                                             settings: LMSettings(headPercentile: 33.3, tailPercentile: 66.7)))
        #expect(cutoffs.headMaxPerplexity == 3 && cutoffs.tailMinPerplexity == 7)
        #expect(cutoffs.bucket(3) == "head" && cutoffs.bucket(3.1) == "middle" && cutoffs.bucket(7) == "middle" && cutoffs.bucket(7.1) == "tail")
        let model = try Self.trained()
        // The ceiling sits just above the seen sentence, so unseen noise goes over it.
        let ceiling = model.score("我哋今晚去飲茶。").perplexity * 1.01
        let stage = PerplexityStage(model: model, cutoffs: cutoffs, maxPerplexity: ceiling)
        var counters = StageCounters()
        var doc = Document(id: "a", text: "我哋今晚去飲茶。", source: "t")
        #expect(try stage.process(&doc, counters: &counters) == .keep)
        #expect(doc.meta["lm_bucket"]?.stringValue != nil)
        #expect(doc.meta["lm_perplexity"]?.doubleValue != nil)
        var noise = Document(id: "b", text: "鑊鏟甩轆冚唪唥！！！", source: "t")
        #expect(try stage.process(&noise, counters: &counters) != .keep)
    }

    /// Our ARPA read by kenlm gives the same perplexities as our own query code (within 1%).
    @Test func kenlmAgrees() throws {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "import kenlm"]
        probe.standardError = FileHandle.nullDevice
        guard (try? probe.run()) != nil else { return }
        probe.waitUntilExit()
        guard probe.terminationStatus == 0 else { return }   // kenlm not installed: nothing to compare with

        let model = try Self.trained()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let arpa = folder.appendingPathComponent("m.arpa").path
        try model.write(to: arpa)
        let docs = Self.corpus + ["完全冇見過嘅字：鑊鏟", "我哋去飲茶\n佢哋去行山"]
        let spaced = docs.map(CharacterTokens.spaced).joined(separator: "\n")
        try spaced.write(toFile: folder.appendingPathComponent("s.txt").path, atomically: true, encoding: .utf8)
        let script = """
            import kenlm, sys
            m = kenlm.Model(sys.argv[1])
            for line in open(sys.argv[2], encoding="utf-8"):
                print(m.score(line.strip(), bos=True, eos=True))
            """
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", script, arpa, folder.appendingPathComponent("s.txt").path]
        let pipe = Pipe()
        python.standardOutput = pipe
        try python.run()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        python.waitUntilExit()
        let theirs = out.split(separator: "\n").compactMap { Double($0) }
        let sentences = docs.flatMap { CharacterTokens.sentences($0) }
        try #require(theirs.count == sentences.count)
        for (sentence, kenlmLog10) in zip(sentences, theirs) {
            let ours = model.score(sentence.joined())
            let ourPerplexity = ours.perplexity
            let kenlmPerplexity = pow(10, -kenlmLog10 / Double(sentence.count + 1))
            #expect(abs(ourPerplexity - kenlmPerplexity) / kenlmPerplexity < 0.01, "\(sentence.joined())")
        }
    }
}
