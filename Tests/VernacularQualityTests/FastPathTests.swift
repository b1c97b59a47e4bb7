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
        var table = NGramCounter(capacity: hashes.count)
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
