import Testing
@testable import VernacularIngest

/// Each fixture is a small piece of zh-yue style wikitext written for this project, with the exact
/// text a reader of the rendered page would see.
@Suite struct WikitextRendererTests {
    let renderer = WikitextRenderer()

    func render(_ wikitext: String) -> String { renderer.render(wikitext).text }

    @Test func headingsParagraphsLinksAndEmphasis() {
        let wikitext = """
            '''香港'''係[[中華人民共和國]]嘅一個[[特別行政區|特區]]，位於[[珠江口]]東邊。

            == 歷史 ==
            [[英國]]喺1842年攞咗''香港島''。[[bus]]es 同 [[香港 (城市)|]]都有。
            """
        #expect(render(wikitext) == """
            香港係中華人民共和國嘅一個特區，位於珠江口東邊。
            歷史
            英國喺1842年攞咗香港島。buses 同 香港都有。
            """)
    }

    @Test func nestedTemplatesKeepTheirTextAndNeverLeaveBraces() {
        let wikitext = """
            佢講{{lang|en|{{nowrap|Hong Kong}}}}，又講{{lang-en|Kowloon}}。{{cn|date=2020年1月}}
            {{Main|香港歷史}}
            {{未知模|外層{{未知模|內層}}|style=bold}}尾。
            {{unclosed|冇收尾
            """
        let text = render(wikitext)
        #expect(text == """
            佢講Hong Kong，又講Kowloon。
            外層內層尾。
            """)
        #expect(!text.contains("{{") && !text.contains("}}"))
    }

    @Test func infoboxFieldsBecomeKeyValueLines() {
        let wikitext = """
            {{Infobox settlement
            | name = 香港
            | image = Hong Kong Skyline.jpg
            | image_caption = 維港
            | 人口 = 7,413,070<ref>{{cite web|url=http://x|title=統計}}</ref>
            | 面積 = {{convert|1106|km2}}
            | 語言 = [[粵語]]<br>[[英文]]
            | 空 =
            }}'''香港'''係一個城市。
            """
        #expect(render(wikitext) == """
            name: 香港
            人口: 7,413,070
            面積: 1106 km2
            語言: 粵語; 英文
            香港係一個城市。
            """)
    }

    @Test func tablesKeepEveryCellRowByRow() {
        let wikitext = """
            {| class="wikitable"
            |+ 香港人口
            ! 年份 !! 人口 !! 備註
            |-
            | rowspan="2" | 2001 || 6,708,389 || 普查
            |-
            | 6,714,300 || style="color:red" | [[估計]]
            |-
            | colspan="2" | 2011年 7,071,576 || 普查
            |}
            """
        #expect(render(wikitext) == """
            香港人口
            年份\t人口\t備註
            2001\t6,708,389\t普查
            6,714,300\t估計
            2011年 7,071,576\t普查
            """)
    }

    @Test func nestedTableAndMultilineCell() {
        let wikitext = """
            {|
            | 外
            |
            * 一
            * 二
            |-
            |
            {|
            | 內甲 || 內乙
            |}
            |}
            """
        #expect(render(wikitext) == """
            外\t一 二
            內甲\t內乙
            """)
    }

    @Test func listsKeepOneItemPerLine() {
        let wikitext = """
            * 第一項
            ** [[子項]]
            # 編號
            ; 詞語 : 解釋
            : 縮排
            ----
            """
        #expect(render(wikitext) == "第一項\n子項\n編號\n詞語\n解釋\n縮排")
    }

    @Test func refsCommentsCategoriesFilesAndGalleriesAreDropped() {
        let wikitext = """
            <!-- 編者註：唔好刪 -->九龍<ref name="a">{{cite book|title=書}}</ref>係半島<ref name="a"/>。
            [[File:Kowloon.jpg|thumb|九龍嘅[[相]]]]
            [[檔案:Map.png|縮圖]]
            <gallery>
            File:A.jpg|甲
            File:B.jpg|乙
            </gallery>
            [[Category:香港]]
            [[分類:九龍]]
            [[en:Kowloon]]
            __NOTOC__
            """
        let rendered = renderer.render(wikitext)
        #expect(rendered.text == "九龍係半島。")
        #expect(rendered.categories == ["香港", "九龍"])
    }

    @Test func mathIsDroppedAndNowikiIsLiteral() {
        let wikitext = "質能方程<math>E = mc^2</math>好出名，寫法係<nowiki>[[唔係連結]] {{唔係模}}</nowiki>。"
        #expect(render(wikitext) == "質能方程好出名，寫法係[[唔係連結]] {{唔係模}}。")
    }

    @Test func conversionMarkupPicksTheConfiguredVariant() {
        let wikitext = """
            -{zh-hans:软件;zh-hant:軟件;zh-tw:軟體;}-同-{zh-hans:信息;zh-hk:資訊;}-，仲有-{原文}-。
            -{H|zh-hans:打印机;zh-hant:打印機;}-隱藏規則。-{A|zh-hans:内存;zh-hk:記憶體;}-。-{R|zh-hans:raw}-
            """
        #expect(render(wikitext) == "軟件同資訊，仲有原文。\n隱藏規則。記憶體。zh-hans:raw")
        let simplified = WikitextRenderer(options: WikitextOptions(variant: ConversionVariant("zh-hans")!))
        #expect(simplified.render("-{zh-hant:軟件;zh-hans:软件;}-").text == "软件")
        let taiwan = WikitextRenderer(options: WikitextOptions(variant: ConversionVariant("zh-tw")!))
        #expect(taiwan.render("-{zh-hans:信息;zh-hk:資訊;}-").text == "資訊")
    }

    @Test func disambiguationIsFlagged() {
        let rendered = renderer.render("'''九龍'''可以指：\n* [[九龍半島]]\n* [[九龍城]]\n{{disambig}}")
        #expect(rendered.isDisambiguation)
        #expect(rendered.text == "九龍可以指：\n九龍半島\n九龍城")
    }

    @Test func navboxesMagicWordsAndParserFunctionsAreDropped() {
        let wikitext = """
            {{DEFAULTSORT:Hong Kong}}{{#if:{{{1|}}}|有|冇}}{{PAGENAME}}正文。
            {{香港導航}}
            {{Navbox|name=香港|list1=[[九龍]]}}
            {{Hong Kong stub}}
            """
        #expect(render(wikitext) == "正文。")
    }

    @Test func externalLinksKeepTheirLabel() {
        #expect(render("見[https://www.gov.hk 政府網站]同[http://example.org]。") == "見政府網站同。")
    }
}
