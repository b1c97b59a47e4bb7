import Testing
import VernacularCore
@testable import VernacularIngest

@Suite struct HTMLReaderTests {
    /// A saved news page, written for this test: site chrome, a cookie banner, a share bar,
    /// related links and scripts around one article.
    static let newsPage = """
        <!DOCTYPE html>
        <html lang="zh-HK"><head>
        <meta charset="utf-8">
        <title>港鐵新綫今日通車 | 新聞網</title>
        <meta property="article:published_time" content="2024-05-01T08:00:00+08:00">
        <style>.x { color: red }</style>
        <script>var tracking = "<p>唔係內容</p>";</script>
        </head>
        <body>
        <header class="site-header"><a href="/">新聞網</a><nav><ul><li><a href="/hk">港聞</a></li><li><a href="/world">國際</a></li></ul></nav></header>
        <div id="cookie-consent" class="banner">本網站使用 cookies，繼續瀏覽即表示同意。<button>同意</button></div>
        <div class="layout">
          <aside class="sidebar"><h3>熱門</h3><p>側欄文章標題好長好長好長好長</p></aside>
          <article>
            <header><h1>港鐵新綫今日通車</h1><time datetime="2024-05-01">2024年5月1日</time></header>
            <div class="share-bar"><a href="#">Facebook</a> <a href="#">WhatsApp</a></div>
            <p>港鐵新綫今日早上六點正式通車，大批市民一早到車站排隊，希望搭頭班車。</p>
            <p>有市民話：「我哋成家人四點就嚟到，<b>好興奮</b>！」&nbsp;車程大約<a href="/x">二十分鐘</a>。</p>
            <h2>沿線設施</h2>
            <ul><li>新增三個車站</li><li>設有無障礙升降機</li></ul>
            <div class="related"><h3>相關新聞</h3><a href="/a">舊綫延誤</a><a href="/b">票價調整</a></div>
          </article>
        </div>
        <footer><p>© 2024 新聞網 版權所有</p></footer>
        </body></html>
        """

    @Test func keepsTitleDateAndArticleText() {
        let page = MainTextExtractor().extract(Self.newsPage)
        #expect(page.title == "港鐵新綫今日通車")
        #expect(page.date == "2024-05-01T08:00:00+08:00")
        #expect(page.text == """
            港鐵新綫今日通車
            2024年5月1日
            港鐵新綫今日早上六點正式通車，大批市民一早到車站排隊，希望搭頭班車。
            有市民話：「我哋成家人四點就嚟到，好興奮！」 車程大約二十分鐘。
            沿線設施
            新增三個車站
            設有無障礙升降機
            """)
    }

    @Test func pageWithoutArticleTagUsesTheDensestParagraphs() {
        let html = """
            <html><head><title>討論區 - 飲食</title></head><body>
            <div class="menu"><a href="/">首頁</a> | <a href="/f">論壇</a></div>
            <div id="posts">
              <div class="post"><p>樓主：大家覺得邊間茶餐廳嘅奶茶最好飲？我覺得旺角嗰間唔錯。</p></div>
              <div class="post"><p>回覆：我鍾意深水埗嗰間，茶底夠濃，又唔會太甜。</p></div>
            </div>
            <div><p><a href="/1">上一頁</a> <a href="/2">下一頁</a></p></div>
            </body></html>
            """
        let page = MainTextExtractor().extract(html)
        #expect(page.text == """
            討論區 - 飲食
            樓主：大家覺得邊間茶餐廳嘅奶茶最好飲？我覺得旺角嗰間唔錯。
            回覆：我鍾意深水埗嗰間，茶底夠濃，又唔會太甜。
            """)
    }

    @Test func big5PageDeclaredInMetaIsDecoded() throws {
        let html = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=big5\"></head>"
            + "<body><article><h1>標題</h1><p>佢哋喺茶樓飲茶，食咗好多點心，傾咗成個鐘。</p></article></body></html>"
        let big5 = try pipe(Array(html.utf8), through: "/usr/bin/iconv", ["-f", "UTF-8", "-t", "BIG5-HKSCS"])
        let folder = try TemporaryFolder()
        let file = try folder.write("page.html", big5)
        let (documents, report) = try HTMLReader().documents(file: file)
        #expect(documents.first?.text == "標題\n佢哋喺茶樓飲茶，食咗好多點心，傾咗成個鐘。")
        #expect(report.decoding.first?.encoding == .big5HKSCS)
        #expect(documents.first?.meta["title"] == .string("標題"))
    }

    @Test func tolerantOfBrokenMarkup() {
        let html = "<body><div><p>第一段冇收尾，寫多幾個字<p>第二段 <b>粗體<i>斜體</b> 尾，寫多幾個字</span>"
            + "<p>第三段 a < b，寫多幾個字</div>"
        let page = MainTextExtractor().extract(html)
        #expect(page.text == "第一段冇收尾，寫多幾個字\n第二段 粗體斜體 尾，寫多幾個字\n第三段 a < b，寫多幾個字")
    }
}
