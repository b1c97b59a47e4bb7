import Foundation
import Testing
@testable import VernacularIngest

/// The renderer's output on generated pages (`GeneratedWikitext`), against
/// `Fixtures/wikitext-generated.json`: what the renderer gave for the same pages before it was
/// rewritten for speed (the array-per-line version of 2026-11-27, commit ac61420). Any change in
/// text, categories or flags shows here with the page that changed.
@Suite struct WikitextGoldenTests {
    struct Expected: Codable, Equatable {
        var page: Int
        var text: String
        var categories: [String]
        var disambiguation: Bool
    }

    static let pageCount = 400

    static func rendered(_ number: Int) -> Expected {
        let result = WikitextRenderer().render(GeneratedWikitext.page(number))
        return Expected(page: number, text: result.text, categories: result.categories,
                        disambiguation: result.isDisambiguation)
    }

    @Test func generatedPagesRenderAsBeforeTheRewrite() throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/wikitext-generated", withExtension: "json"))
        let expected = try JSONDecoder().decode([Expected].self, from: Data(contentsOf: url))
        #expect(expected.count == Self.pageCount)
        // The pages hold what the renderer must keep; a golden file of empty texts would pass anything.
        #expect(expected.filter { $0.text.contains("表題") || $0.text.contains("人口: ") }.count > 50)
        for entry in expected {
            let actual = Self.rendered(entry.page)
            #expect(actual == entry, "page \(entry.page):\n\(GeneratedWikitext.page(entry.page))")
        }
    }
}
