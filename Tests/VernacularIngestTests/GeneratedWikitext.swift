/// Pages of wikitext generated from the constructs the renderer fixtures cover, nested inside one
/// another at random (a seeded generator, so the pages are the same on every run). Used to pin
/// the renderer's output over many combinations the hand-written fixtures do not spell out.
enum GeneratedWikitext {
    /// Leaf fragments: text with markup that holds no other fragment.
    static let leaves: [String] = [
        "'''粗體{n}'''同''斜體{n}''",
        "[[目標頁{n}|連結標籤{n}]]",
        "[[香港 (城市)|]]",
        "[[bus]]es",
        "-{zh-hans:简式{n};zh-hk:港式{n};zh-tw:台式{n};}-",
        "-{H|zh-hans:打印机;zh-hant:打印機;}-",
        "-{A|zh-hans:内存;zh-hk:記憶體;}-",
        "-{R|zh-hans:raw{n}}-",
        "-{原文{n}}-",
        "事實<ref name=\"r{n}\">{{cite web|url=http://x|title=引用{n}}}</ref>",
        "<ref name=\"r{n}\"/>",
        "公式<math>E = mc^2 + x_{n}</math>",
        "<nowiki>[[唔係連結{n}]] {{唔係模}}</nowiki>",
        "{{lang|en|{{nowrap|Hong Kong {n}}}}}",
        "{{lang-en|Kowloon}}",
        "{{convert|{n}|km2}}",
        "{{cn|date=2020年1月}}",
        "{{未知模{n}|外層{{未知模|內層{n}}}|style=bold}}",
        "[https://www.gov.hk 政府網站{n}]",
        "[http://example.org]",
        "<!-- 註解{n} -->",
        "&lt;b&gt; &amp;amp; &nbsp;符號{n}",
        "{{PAGENAME}}{{#if:{{{1|}}}|有|冇}}",
        "{{{參數|預設{n}}}}",
        "[[Category:分類{n}]]",
        "[[File:圖{n}.jpg|thumb|說明[[相{n}]]]]",
        "<span style=\"color:red\">紅字{n}</span>",
        "{{birth date|1990|5|{n}}}",
        "{{!}}",
        "第一行<br>第二行{n}",
    ]

    /// Block fragments: `{x}` is filled with another fragment (leaf or inline).
    static let blocks: [String] = [
        "== 標題{n} ==",
        "=== {x} ===",
        "{x}係一段文字，講{x}。",
        "* 列表{n} {x}\n** 子項 {x}\n# 編號 {x}",
        "; 詞語{n} : {x}\n: 縮排 {x}",
        "----",
        """
        {{Infobox settlement
        | name = 地方{n}
        | image = Skyline{n}.jpg
        | image_caption = 說明
        | 人口 = {x}
        | 語言 = [[粵語]]<br>{x}
        | 空 =
        }}
        """,
        """
        {| class="wikitable"
        |+ 表題{n}
        ! 年份 !! 數值 !! 備註
        |-
        | rowspan="2" | 20{n} || {x} || 普查
        |-
        | {x} || style="color:red" | [[估計]]
        |-
        | colspan="2" | 合共 {x} || 尾
        |}
        """,
        """
        {|
        | 外{n}
        |
        * 一 {x}
        * 二
        |-
        |
        {|
        | 內甲 || {x}
        |}
        |}
        """,
        "<gallery>\nFile:A{n}.jpg|畫廊{x}\nFile:B.jpg|乙\n</gallery>",
        "{{Navbox|name=導航{n}|list1=[[九龍]]}}",
        "{{Main|香港歷史{n}}}",
        "{{unclosed|冇收尾{n}",
        "}}多咗收尾{n}",
        "{{未知|{x}|{x}}}",
        "[[連結{n}|{x}]]",
        "'''{x}'''",
        "__NOTOC__",
        "{{disambig}}",
    ]

    /// A small deterministic generator (SplitMix64), so pages do not depend on the platform's RNG.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    }

    static func page(_ number: Int) -> String {
        var generator = Generator(state: UInt64(number) &* 7919 &+ 17)
        func fill(_ template: String, depth: Int) -> String {
            var text = template.replacingOccurrences(of: "{n}", with: String(number))
            while let range = text.range(of: "{x}") {
                let inner: String
                if depth < 2, generator.below(3) == 0 {
                    let block = blocks[generator.below(blocks.count)]
                    // Only inline-shaped blocks nest inside others.
                    inner = block.contains("\n") || block.hasPrefix("=") ? leaves[generator.below(leaves.count)] : block
                } else {
                    inner = leaves[generator.below(leaves.count)]
                }
                text.replaceSubrange(range, with: fill(inner, depth: depth + 1))
            }
            return text
        }
        var parts: [String] = []
        for _ in 0..<(3 + generator.below(8)) {
            let template = generator.below(2) == 0 ? blocks[generator.below(blocks.count)] : leaves[generator.below(leaves.count)]
            parts.append(fill(template, depth: 0))
        }
        return parts.joined(separator: generator.below(2) == 0 ? "\n" : "\n\n")
    }
}
