import Foundation
import Testing
@testable import VernacularEval

struct LoaderTests {
    @Test func yueBenchmarkFolderReadsSubjectsInNameOrderAndReportsEachDefect() throws {
        let set = try YueBenchmarkLoader.load(path: FixtureFiles.path("yue-mmlu"))
        #expect(set.items.map(\.id) == ["everyday_science/0", "everyday_science/3", "hong_kong_culture/0",
                                        "hong_kong_culture/1", "hong_kong_culture/4", "hong_kong_culture/6"])
        #expect(set.items.last?.gold == 1, "a lower-case letter is still a letter")
        #expect(set.items[0].choices == ["50度", "80度", "100度", "120度"])
        #expect(set.items[0].gold == 2)
        let reasons = set.problems.map { "\(URL(fileURLWithPath: $0.file).lastPathComponent) \($0.item): \($0.reason)" }
        #expect(reasons.count == 5, "\(reasons)")
        #expect(reasons.contains { $0.hasPrefix("everyday_science.json #2 (no 1)") && $0.contains("is a number") })
        #expect(reasons.contains { $0.hasPrefix("everyday_science.json #3 (no 2)") && $0.contains("missing option D") })
        #expect(reasons.contains { $0.hasPrefix("hong_kong_culture.json #3 (no 2)") && $0.contains("missing option A") })
        #expect(reasons.contains { $0.hasPrefix("hong_kong_culture.json #4 (no 3)") && $0.contains("answer 0 is a number") })
        #expect(reasons.contains { $0.hasPrefix("hong_kong_culture.json #6 (no 4)") && $0.contains("duplicated id") })
    }

    @Test func hkCantoReadsQuotedFieldsFiveOptionsAndDevShots() throws {
        let set = try HKCantoLoader.load(path: FixtureFiles.path("hkcanto"))
        #expect(set.items.map(\.id) == ["cantonese_words/1", "cantonese_words/2", "cantonese_words/5"])
        #expect(set.items[1].question == "「今日冇嘢做，好得閒」入面，「得閒」即係？")
        #expect(set.items[1].choices == ["有空,無所事事", "好忙", "好攰", "生病"])
        #expect(set.items[2].choices.count == 5)
        #expect(set.examples["cantonese_words"]?.map(\.gold) == [0, 1])
        let reasons = set.problems.map(\.description)
        #expect(reasons.count == 3, "\(reasons)")
        #expect(reasons.contains { $0.contains("row 3") && $0.contains("missing option D") })
        #expect(reasons.contains { $0.contains("row 4") && $0.contains("'3' is a number") })
        #expect(reasons.contains { $0.contains("row 6") && $0.contains("found 3") })
        // One test file named directly finds its dev rows in the sibling folder.
        let single = try HKCantoLoader.load(path: FixtureFiles.path("hkcanto/test/cantonese_words_test.csv"))
        #expect(single.items.count == 3 && single.examples["cantonese_words"]?.count == 2)
    }

    @Test func multipleChoiceJSONLRefusesLettersOutOfRangeDuplicatesAndATornLine() throws {
        let set = try MultipleChoiceJSONLLoader.load(path: FixtureFiles.path("multiple-choice.jsonl"))
        #expect(set.items.map(\.id) == ["multiple-choice/q1", "multiple-choice/q2"])
        #expect(set.items[1].choices.count == 3 && set.items[1].gold == 1)
        let reasons = set.problems.map(\.description)
        #expect(reasons.count == 4, "\(reasons)")
        #expect(reasons.contains { $0.contains("line 3") && $0.contains("found B") })
        #expect(reasons.contains { $0.contains("line 4") && $0.contains("duplicated") })
        #expect(reasons.contains { $0.contains("line 5") && $0.contains("found 5") })
        #expect(reasons.contains { $0.contains("line 6") && $0.contains("not a JSON object") })
    }

    @Test func generationLoadersReadMathTranslationAndPrompts() throws {
        let math = try MathLoader.load(path: FixtureFiles.path("math.json"))
        #expect(math.items.map(\.number) == [8, 24, 62.5])
        #expect(math.problems.count == 1 && math.problems[0].item == "#4")
        let translate = try TranslationLoader.load(path: FixtureFiles.path("translate.json"), sourceField: "zh", targetField: "yue")
        #expect(translate.items.map(\.reference) == ["你做緊乜嘢？", "我唔知。"])
        #expect(translate.problems.count == 1 && translate.problems[0].reason.contains("\"yue\""))
        let prompts = try PromptLoader.load(path: FixtureFiles.path("prompts.txt"))
        #expect(prompts.items.map(\.id) == ["prompts/1", "prompts/3"])
        let terms = try PromptLoader.load(path: FixtureFiles.path("code-switch.jsonl"))
        #expect(terms.items.map(\.terms) == [["Python"], ["iPhone", "battery"], []])
    }

    @Test func examplesComeFromTheFirstItemsOfEachSubjectWithoutADevSplit() throws {
        var set = try YueBenchmarkLoader.load(path: FixtureFiles.path("yue-mmlu"))
        set.takeExamplesFromItems(shots: 1)
        #expect(set.examples.mapValues { $0.map(\.id) } == ["everyday_science": ["everyday_science/0"],
                                                             "hong_kong_culture": ["hong_kong_culture/0"]])
        #expect(set.items.map(\.id) == ["everyday_science/3", "hong_kong_culture/1", "hong_kong_culture/4", "hong_kong_culture/6"])
    }

    @Test func taskSpecsParseOptionsAndNameTheirMistakes() throws {
        let spec = try TaskSpec(parsing: #"mc-yue-benchmark=data/Yue-MMLU:shots=5:answer-prefix=答案\c:description=關於{subject}\n\n"#)
        #expect(spec.kind == .mcYueBenchmark && spec.path == "data/Yue-MMLU")
        #expect(spec.options == ["shots": "5", "answer-prefix": "答案:", "description": "關於{subject}\n\n"])
        #expect(spec.name == "mc-yue-benchmark:Yue-MMLU")
        #expect(throws: EvalError.self) { try TaskSpec(parsing: "mc-nothing=x") }
        #expect(throws: EvalError.self) { try TaskSpec(parsing: "ppl=x:oops") }
        #expect(throws: EvalError.self) { try TaskSpec(parsing: "ppl=x:context=big").integer("context", default: 1) }
    }
}
