import Testing
@testable import VernacularRelease

@Suite struct LicenceTests {
    @Test func writtenNamesBecomeHubIDs() {
        #expect(Licence("CC BY 4.0")?.id == "cc-by-4.0")
        #expect(Licence("CC-BY-SA-4.0")?.id == "cc-by-sa-4.0")
        #expect(Licence("Apache 2.0")?.id == "apache-2.0")
        #expect(Licence("cc0")?.id == "cc0-1.0")
        #expect(Licence("MIT")?.id == "mit")
        #expect(Licence("all rights reserved") == nil)
        #expect(Licence("cc-by-5.0") == nil)
    }

    /// Source licence, release licence, and whether the release may carry the source.
    @Test(arguments: [
        ("cc-by-4.0", "cc-by-4.0", true),
        ("cc-by-4.0", "cc-by-sa-4.0", true),
        ("cc-by-4.0", "cc-by-nc-4.0", true),
        ("cc0-1.0", "cc-by-4.0", true),
        ("mit", "cc-by-4.0", true),
        ("cc-by-sa-3.0", "cc-by-sa-4.0", true),
        ("cc-by-sa-4.0", "cc-by-4.0", false),
        ("cc-by-sa-4.0", "cc-by-sa-3.0", false),
        ("cc-by-sa-4.0", "cc-by-nc-sa-4.0", false),
        ("cc-by-nc-4.0", "cc-by-4.0", false),
        ("cc-by-nc-4.0", "cc-by-nc-sa-4.0", true),
        ("cc-by-nc-sa-4.0", "cc-by-nc-4.0", false),
        ("cc-by-nd-4.0", "cc-by-nd-4.0", true),
        ("cc-by-nd-4.0", "cc-by-4.0", false),
        ("cc-by-4.0", "cc0-1.0", false),
        ("apache-2.0", "cc0-1.0", false),
        ("gemma", "apache-2.0", false),
    ])
    func compatibility(source: String, release: String, allowed: Bool) throws {
        let conflict = try #require(Licence(source)).conflict(releasingUnder: try #require(Licence(release)))
        #expect((conflict == nil) == allowed, "\(source) under \(release): \(conflict ?? "allowed")")
    }

    @Test func missingAndUnknownLicencesAreProblems() {
        let sources = [DatasetSource(name: "corpus", licence: "CC BY 4.0"), DatasetSource(name: "posts.jsonl"),
                       DatasetSource(name: "scraped", licence: "ask the author")]
        let problems = LicenceCheck.problems(sources: sources, releasingUnder: Licence("cc-by-4.0")!)
        #expect(problems.map(\.source) == ["posts.jsonl", "scraped"])
        #expect(problems[0].description.hasPrefix("posts.jsonl (no licence recorded): no licence recorded"))
        #expect(problems[1].reason == "not a licence id vern knows the terms of")
    }
}
