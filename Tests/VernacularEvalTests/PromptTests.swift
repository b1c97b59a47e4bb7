import Testing
@testable import VernacularEval

struct PromptTests {
    let item = MultipleChoiceItem(id: "s/2", subject: "hong_kong_culture", question: "「埋單」係咩意思？",
                                  choices: ["結賬", "入座", "叫外賣", "排隊"], gold: 0)
    let shots = [
        MultipleChoiceItem(id: "s/0", subject: "hong_kong_culture", question: "飲茶去邊度？", choices: ["酒樓", "圖書館", "戲院", "街市"], gold: 0),
        MultipleChoiceItem(id: "s/1", subject: "hong_kong_culture", question: "「攰」係咩意思？", choices: ["開心", "疲倦", "肚餓", "嬲"], gold: 1),
    ]

    @Test func zeroShotIsTheMMLUQuestionBlock() {
        let prompt = MultipleChoicePrompt()
        #expect(prompt.prefix(subject: item.subject, examples: []) == "")
        #expect(prompt.text(of: item) == "「埋單」係咩意思？\nA. 結賬\nB. 入座\nC. 叫外賣\nD. 排隊\nAnswer:")
        #expect(prompt.continuations(for: item) == [" A", " B", " C", " D"])
    }

    @Test func fewShotExamplesEndWithTheirLetterAndABlankLine() {
        let prompt = MultipleChoicePrompt(description: "The following are multiple choice questions (with answers) about {subject}.\n\n")
        let context = prompt.prefix(subject: item.subject, examples: shots) + prompt.text(of: item)
        #expect(context == """
            The following are multiple choice questions (with answers) about hong kong culture.

            飲茶去邊度？
            A. 酒樓
            B. 圖書館
            C. 戲院
            D. 街市
            Answer: A

            「攰」係咩意思？
            A. 開心
            B. 疲倦
            C. 肚餓
            D. 嬲
            Answer: B

            「埋單」係咩意思？
            A. 結賬
            B. 入座
            C. 叫外賣
            D. 排隊
            Answer:
            """)
    }

    @Test func templateAndAnswerPrefixAreSettable() {
        let prompt = MultipleChoicePrompt(template: "問題：{question}\n{choices}\n{answer_prefix}", answerPrefix: "答案：")
        #expect(prompt.prefix(subject: "x", examples: [shots[1]]) == "問題：「攰」係咩意思？\nA. 開心\nB. 疲倦\nC. 肚餓\nD. 嬲\n答案： B\n\n")
    }

    @Test func preparedTasksUseShotsAndLimitInFileOrder() throws {
        let spec = TaskSpec(kind: .mcYueBenchmark, path: FixtureFiles.path("yue-mmlu"), options: ["shots": "1"])
        let task = try TaskPreparation.prepare(spec, shots: 0, limit: 3)
        #expect(task.items.map(\.id) == ["everyday_science/3", "hong_kong_culture/1", "hong_kong_culture/4"])
        guard case .loglikelihood(let request) = task.items[1].request else { Issue.record("not multiple choice"); return }
        #expect(request.sharedPrefix == "香港人講「飲茶」，通常係指去邊度？\nA. 酒樓\nB. 圖書館\nC. 戲院\nD. 街市\nAnswer: A\n\n")
        #expect(request.context.hasPrefix(request.sharedPrefix) && request.context.hasSuffix("D. 嬲\nAnswer:"))
        #expect(task.problems.count == 5)
    }
}
