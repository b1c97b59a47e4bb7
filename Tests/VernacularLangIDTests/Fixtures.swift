import Foundation
@testable import VernacularLangID

/// Sentences written for these tests (not taken from any corpus), with the label a Hong Kong
/// reader would give them.
enum Fixtures {
    static let labelled: [(LangIDLabel, String)] = [
        (.yue, "我哋今晚去邊度食飯呀？"),
        (.yue, "佢琴日冇返工，話係病咗。"),
        (.yue, "呢間茶餐廳嘅奶茶真係好好飲。"),
        (.yue, "你聽日得唔得閒，一齊去睇戲啦。"),
        (.yue, "啲嘢咁貴，邊個會買㗎？"),
        (.yue, "我喺地鐵站等緊你，快啲嚟啦。"),
        (.zh, "我們今晚去哪裡吃飯？"),
        (.zh, "他昨天沒有上班，說是生病了。"),
        (.zh, "這家餐廳的奶茶真的很好喝。"),
        (.zh, "政府今天公布了新的房屋政策，以改善市民的居住環境。"),
        (.zh, "这个软件包提供了一个简单的命令行工具。"),
        (.zh, "会议将于下周在北京举行，各国代表都会出席。"),
        (.en, "The meeting will be held in Beijing next week."),
        (.en, "Please restart the service after changing the configuration file."),
        (.en, "I think we should leave before it starts raining."),
        (.mixed, "我今日好busy呀，要幫個boss寫report。"),
        (.mixed, "你send個file俾我check下先啦。"),
        (.mixed, "佢話個project deadline係下個禮拜。"),
        (.neutral, "……！！！"),
        (.neutral, "😂😂😂👍"),
        (.neutral, ""),
        (.neutral, "12:30 2024-01-01"),
        (.neutral, "歷史"),
        (.neutral, "類型: 餐廳"),
    ]

    /// The same sentences in Traditional and Simplified characters (as OpenCC's s2t/t2s give).
    static let scriptPairs: [(String, String)] = [
        ("佢哋話呢個計劃冇問題，聽日就開始。", "佢哋话呢个计划冇问题，听日就开始。"),
        ("我哋學校嘅圖書館好大，有好多書。", "我哋学校嘅图书馆好大，有好多书。"),
        ("這個問題我們已經討論過了。", "这个问题我们已经讨论过了。"),
        ("他們說會議延遲到下個星期舉行。", "他们说会议延迟到下个星期举行。"),
        ("你覺得呢部電話點樣？我覺得幾好用。", "你觉得呢部电话点样？我觉得几好用。"),
        ("經濟發展對環境造成了嚴重的影響。", "经济发展对环境造成了严重的影响。"),
    ]

    /// The committed default model through its language pack.
    static func defaultClassifier() throws -> LangIDClassifier {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try LanguagePack.load(from: root.appendingPathComponent("langs/yue.yaml")).makeClassifier()
    }

    /// A few hand-written sentences per class: enough to train a model that separates them.
    static let tinyTraining: [LabelledSentence] = {
        var out: [LabelledSentence] = []
        let yue = ["佢哋喺度食緊飯", "我唔知佢講乜嘢", "你食咗飯未呀", "呢啲嘢好貴", "佢冇嚟", "我哋聽日見啦", "嗰度好多人㗎", "係咪真㗎"]
        let zh = ["他們正在吃飯", "我不知道他說什麼", "你吃飯了沒有", "這些東西很貴", "他沒有來", "我們明天見吧", "那裡有很多人", "是不是真的"]
        let en = ["they are eating now", "i do not know what he said", "have you eaten yet", "this is very expensive"]
        let mixed = ["佢今日好busy呀", "你check下個email", "我哋book咗個room", "個meeting改咗時間"]
        for (label, list) in [(LangIDLabel.yue, yue), (.zh, zh), (.en, en), (.mixed, mixed)] {
            for _ in 0..<5 { out += list.map { LabelledSentence(label: label, text: $0) } }
        }
        return out
    }()

    static let tinyMarkers: [LexiconMarker] = [
        try! LexiconMarker("嘅", kind: .cantonese), try! LexiconMarker("佢哋", kind: .cantonese),
        try! LexiconMarker("的", kind: .swc), try! LexiconMarker("他們", kind: .swc),
    ]
}
