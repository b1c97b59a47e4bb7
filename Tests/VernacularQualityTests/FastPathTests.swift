import Testing
@testable import VernacularQuality

/// The hand-written fast paths against the simple versions they replace.
@Suite struct FastPathTests {
    @Test func whitespaceListMatchesUnicodeProperty() {
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            #expect(CharacterKind.isWhitespace(scalar) == scalar.properties.isWhitespace, "U+\(String(value, radix: 16))")
        }
    }

    @Test func ngramCounterMatchesDictionary() {
        var generator = SystemRandomNumberGenerator()
        // Few distinct values so keys repeat, plus 0 (stored as 1, a collision with 1 by design).
        let hashes = (0..<5000).map { _ in UInt64.random(in: 2...800, using: &generator) &* 0x9E37_79B9_7F4A_7C15 } + [0, 0]
        let table = NGramCounter(capacity: hashes.count)
        var reference: [UInt64: (count: Int, first: Int)] = [:]
        for (start, hash) in hashes.enumerated() {
            let got = table.add(hash, at: start)
            var want = reference[hash] ?? (0, start)
            want.count += 1
            reference[hash] = want
            #expect(got.count == want.count && got.first == want.first)
        }
    }
}

extension FastPathTests {
    /// A reused table gives what a fresh one gives, for every n in either order.
    @Test func reusedTableMatchesFreshTable() {
        let units = TextUnits("好正好正好正！我哋今晚去飲茶，飲完茶去行街，行完街又去飲茶。")
        var table = NGramCounter(capacity: 4)
        for n in [2, 3, 4, 5, 10, 2] {
            #expect(QualityFilters.topNgramCharacterFraction(units, n: n, table: &table) == QualityFilters.topNgramCharacterFraction(units, n: n))
            #expect(QualityFilters.duplicateNgramCharacterFraction(units, n: n, table: &table) == QualityFilters.duplicateNgramCharacterFraction(units, n: n))
        }
    }
}

/// The narrowed n-gram passes (`NGramScan`) against a reference that compares n-grams as arrays
/// of unit ids, with no hashing and no narrowing, on generated Cantonese, English and mixed text.
extension FastPathTests {
    static let cantonese = [
        "琴日去咗旺角嗰間新開嘅茶餐廳，", "佢哋嘅菠蘿油真係好好食。", "牛油又厚又凍，個包仲係熱辣辣㗎。",
        "不過啲奶茶就麻麻哋，太甜喇。", "下次我會試吓佢哋嘅餐蛋麵先，", "你哋有冇去過呀？", "係呀。", "唔該晒！",
        "我聽朝要返工，", "佢成日都遲到", "今晚食乜好呀", "打邊爐啦", "好正好正！",
    ]
    static let english = [
        "The minibus was late again this morning. ", "Buy now, buy now, limited offer! ", "see you at the MTR station ",
        "Price: 38 dollars per set. ", "click here to read more ", "It rained all day in Sham Shui Po. ",
    ]

    /// A document of `parts` sentences drawn with a seeded generator, so phrases repeat at many
    /// lengths and the fractions land on both sides of the pack's thresholds.
    static func document(seed: UInt64, parts: Int, mix: Int) -> String {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        func next(_ bound: Int) -> Int {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Int(state % UInt64(bound))
        }
        return (0..<parts).map { _ in
            next(10) < mix ? english[next(english.count)] : cantonese[next(cantonese.count)]
        }.joined()
    }

    /// Gopher's measures the plain way: n-grams are arrays of unit ids in a dictionary.
    static func referenceTop(_ units: TextUnits, n: Int) -> Double {
        guard units.count >= n, n > 0 else { return 0 }
        var counts: [[UInt64]: Int] = [:]
        var best = 0
        var bestCharacters = 0
        for start in 0...(units.count - n) {
            let gram = Array(units.ids[start..<(start + n)])
            counts[gram, default: 0] += 1
            if counts[gram]! > best {
                best = counts[gram]!
                let first = (0...start).first { Array(units.ids[$0..<($0 + n)]) == gram }!
                bestCharacters = units.lengths[first..<(first + n)].reduce(0) { $0 + Int($1) }
            }
        }
        guard best > 1 else { return 0 }
        return Double(best * bestCharacters) / Double(units.lengths.reduce(0) { $0 + Int($1) })
    }

    static func referenceDuplicate(_ units: TextUnits, n: Int) -> Double {
        guard units.count >= n, n > 0 else { return 0 }
        var seen = Set<[UInt64]>()
        var covered = Set<Int>()
        for start in 0...(units.count - n) where !seen.insert(Array(units.ids[start..<(start + n)])).inserted {
            covered.formUnion(start..<(start + n))
        }
        let duplicated = covered.reduce(0) { $0 + Int(units.lengths[$1]) }
        return Double(duplicated) / Double(units.lengths.reduce(0) { $0 + Int($1) })
    }

    @Test func narrowedPassesMatchReference() {
        var checked = 0
        for seed in UInt64(1)...60 {
            let text = Self.document(seed: seed, parts: 3 + Int(seed % 37), mix: Int(seed % 11))
            let units = TextUnits(text)
            let want = (top: (2...4).map { Self.referenceTop(units, n: $0) },
                        duplicate: (5...10).map { Self.referenceDuplicate(units, n: $0) })
            // The filter's order (2, 3, 4, then 5..10), each n alone, and an order that must
            // restart from every start (a pass narrowed by 10 then asked for 2).
            var chained = NGramScan(units)
            #expect((2...4).map { chained.topFraction(n: $0) } == want.top, "seed \(seed)")
            #expect((5...10).map { chained.duplicateFraction(n: $0) } == want.duplicate, "seed \(seed)")
            #expect(chained.topFraction(n: 2) == want.top[0], "seed \(seed)")
            for n in 5...10 {
                var alone = NGramScan(units)
                #expect(alone.duplicateFraction(n: n) == want.duplicate[n - 5], "seed \(seed) n \(n)")
                #expect(QualityFilters.duplicateNgramCharacterFraction(units, n: n) == want.duplicate[n - 5])
            }
            for n in 2...4 { #expect(QualityFilters.topNgramCharacterFraction(units, n: n) == want.top[n - 2]) }
            checked += want.duplicate.filter { $0 > 0 }.count
        }
        #expect(checked > 100)  // the generated text does repeat n-grams
    }

    /// The filter's verdicts with the narrowed passes equal verdicts worked out from the reference
    /// fractions, on documents on both sides of the thresholds.
    @Test func filterVerdictsMatchReference() {
        let thresholds = QualityThresholds()
        let filters = QualityFilters(thresholds: thresholds, skip: Set(QualityFilter.allCases).subtracting([.topNgram, .duplicateNgram]))
        var kept = 0
        var dropped = 0
        for seed in UInt64(100)...220 {
            let text = Self.document(seed: seed, parts: 2 + Int(seed % 23), mix: Int(seed % 7))
            let units = TextUnits(text)
            var want: String?
            for (n, limit) in thresholds.maxTopNgramCharacterFraction.sorted(by: { $0.key < $1.key }) where want == nil {
                let value = Self.referenceTop(units, n: n)
                if value > limit { want = "quality_top_ngram: \(n)-gram \(QualityFilters.rounded(value)) > \(limit)" }
            }
            for (n, limit) in thresholds.maxDuplicateNgramCharacterFraction.sorted(by: { $0.key < $1.key }) where want == nil {
                let value = Self.referenceDuplicate(units, n: n)
                if value > limit { want = "quality_duplicate_ngram: \(n)-gram \(QualityFilters.rounded(value)) > \(limit)" }
            }
            #expect(filters.check(text)?.description == want, "seed \(seed)")
            if want == nil { kept += 1 } else { dropped += 1 }
        }
        #expect(kept > 10 && dropped > 10)
    }
}

extension FastPathTests {
    /// The Basic Multilingual Plane table against the property definitions, scalar by scalar,
    /// and units of a mixed text built from a string and from its decoded scalars.
    @Test func characterClassTableMatchesProperties() {
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            #expect(CharacterKind.isLetter(scalar) == CharacterKind.isLetterByProperties(scalar), "U+\(String(value, radix: 16))")
            #expect(CharacterKind.isWordCharacter(scalar) == CharacterKind.isWordCharacterByProperties(scalar), "U+\(String(value, radix: 16))")
        }
        let text = "我哋今晚去 Causeway Bay 食 dinner，３８蚊一位！Ｏｋ？Straße 𠝹"
        let units = TextUnits(text)
        #expect(units.ids == TextUnits(scalars: Array(text.unicodeScalars), expected: 0).ids)
        // 我 哋 今 晚 去, causeway, bay, 食, dinner, ３８, 蚊 一 位, ｏｋ, straße, 𠝹
        #expect(units.lengths == [1, 1, 1, 1, 1, 8, 3, 1, 6, 2, 1, 1, 1, 2, 6, 1])
        #expect(units.ids[5] == TextUnits("CAUSEWAY").ids[0])
    }
}
