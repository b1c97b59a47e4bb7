import Foundation
import Testing
import VernacularEngine
import VernacularTokenizer
@testable import VernacularTrain

@Suite struct VocabularyGrowthTests {
    @Test func newRowsAreTheMeanOfTheirPieces() throws {
        // 4 rows of width 3; two new tokens: id 4 from pieces 1 and 3, id 5 with no known pieces.
        let base = try MLXArray([0, 1, 2, 10, 11, 12, 20, 22, 24, 30, 31, 35], [4, 3])
        let tokens = [
            VocabularyExtension.NewToken(id: 4, token: "ab", text: "ab", left: 1, right: 3, count: 9, pieces: [1, 3]),
            VocabularyExtension.NewToken(id: 5, token: "cd", text: "cd", left: nil, right: nil, count: 2, pieces: []),
        ]
        let grown = try VocabularyGrowth.grow(base, to: 6, newTokens: tokens)
        #expect(grown.shape == [6, 3])
        let values = try grown.asFloats()
        #expect(Array(values[0..<12]) == (try base.asFloats()), "original ids keep their rows")
        #expect(Array(values[12..<15]) == [20, 21, 23.5])
        #expect(Array(values[15..<18]) == [15, 16.25, 18.25], "no pieces: the mean of all rows")
    }
}
