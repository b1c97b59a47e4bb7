import Foundation

/// What a page says, without its frame: title, date, and the main text's headings and
/// paragraphs, one per line.
public struct ExtractedPage: Sendable, Equatable {
    public var title: String?
    public var date: String?
    public var text: String
}

/// Main-text extraction for saved news, blog and forum pages:
/// 1. drop what is never the text: scripts, styles, forms, navigation, asides, and elements whose
///    class, id or role names a cookie banner, menu, share bar, advert or sidebar; page-level
///    headers and footers go too (those inside an `<article>` hold its title and date, and stay);
/// 2. choose the container: the `<article>` with the most text, else `<main>`, else the element
///    whose paragraphs hold the most text (a paragraph counts fully for its parent and half for
///    its grandparent, less its link text);
/// 3. write its blocks in order, dropping blocks that are mostly link text (menus, tag lists).
public struct MainTextExtractor: Sendable {
    static let droppedElements: Set<String> = [
        "script", "style", "noscript", "template", "svg", "canvas", "iframe", "form", "button", "select", "input",
        "textarea", "nav", "aside", "menu", "dialog", "object", "embed", "video", "audio", "map",
    ]
    /// Words in class, id or role that mark page furniture, matched as whole words of the value
    /// (split at `-`, `_` and spaces) so `article-body` is not caught by `ad`.
    static let boilerplateWords: Set<String> = [
        "cookie", "cookies", "consent", "gdpr", "cc-banner", "nav", "navbar", "navigation", "menu", "breadcrumb",
        "breadcrumbs", "sidebar", "share", "sharing", "social", "advert", "advertisement", "ads", "ad", "adsbygoogle",
        "sponsored", "promo", "subscribe", "newsletter", "popup", "modal", "related", "recommended", "footer",
        "copyright", "masthead", "toolbar", "pagination", "skip", "banner", "complementary", "contentinfo", "sr-only",
    ]

    public init() {}

    public func extract(_ html: String) -> ExtractedPage {
        let root = HTMLParser.parse(html)
        let pageTitle = Self.title(root)
        let date = Self.date(root)
        prune(root, insideArticle: false)
        let container = mainContainer(root)
        // The article's own heading is the best title; page-level ones may name the site.
        var containerHeading: String?
        container.descendants { if $0.name == "h1", containerHeading == nil { containerHeading = $0.text } }
        let title = containerHeading.flatMap { $0.isEmpty ? nil : $0 } ?? pageTitle
        var blocks: [Block] = []
        var current = Block()
        write(container, into: &blocks, current: &current, preformatted: false)
        blocks.append(current)
        var lines = blocks.compactMap { block -> String? in
            let text = block.text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
                .joined(separator: " ")
            guard !text.isEmpty else { return nil }
            // Mostly-link blocks are menus and tag lists, unless long enough to be prose.
            if block.linkCharacters * 10 > text.count * 6, text.count < 200 { return nil }
            return text
        }
        if let title, lines.first != title { lines.insert(title, at: 0) }
        return ExtractedPage(title: title, date: date, text: lines.joined(separator: "\n"))
    }

    // MARK: Metadata

    static func title(_ root: HTMLElement) -> String? {
        var ogTitle: String?, headTitle: String?, firstH1: String?
        root.descendants { element in
            if element.name == "meta", element.attributes["property"] == "og:title" || element.attributes["name"] == "twitter:title",
               ogTitle == nil { ogTitle = element.attributes["content"] }
            if element.name == "title", headTitle == nil { headTitle = element.text }
            if element.name == "h1", firstH1 == nil { firstH1 = element.text }
        }
        return [ogTitle, firstH1, headTitle].compactMap { $0?.trimmingCharacters(in: .whitespacesAndNewlines) }
            .first { !$0.isEmpty }
    }

    static let dateMetaNames: Set<String> = [
        "article:published_time", "og:published_time", "datepublished", "date", "pubdate", "publishdate",
        "publish-date", "dc.date", "dc.date.issued", "dcterms.date", "dcterms.created", "sailthru.date",
        "article.published", "parsely-pub-date", "og:updated_time", "article:modified_time",
    ]

    static func date(_ root: HTMLElement) -> String? {
        var fromMeta: String?, fromTime: String?
        root.descendants { element in
            if element.name == "meta", fromMeta == nil {
                let key = (element.attributes["property"] ?? element.attributes["name"] ?? element.attributes["itemprop"] ?? "").lowercased()
                if dateMetaNames.contains(key), let content = element.attributes["content"], !content.isEmpty { fromMeta = content }
            }
            if element.name == "time", fromTime == nil {
                fromTime = element.attributes["datetime"] ?? element.text
            }
            if fromMeta == nil, element.attributes["itemprop"] == "datePublished" {
                fromMeta = element.attributes["content"] ?? element.attributes["datetime"] ?? element.text
            }
        }
        return (fromMeta ?? fromTime).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
    }

    // MARK: Pruning and choosing

    private func isBoilerplate(_ element: HTMLElement, insideArticle: Bool) -> Bool {
        if Self.droppedElements.contains(element.name) { return true }
        if element.name == "head" || element.name == "title" { return true }
        if !insideArticle, element.name == "header" || element.name == "footer" { return true }
        if element.attributes["hidden"] != nil || element.attributes["aria-hidden"] == "true" { return true }
        if let style = element.attributes["style"]?.replacingOccurrences(of: " ", with: "").lowercased(),
           style.contains("display:none") || style.contains("visibility:hidden") { return true }
        let labels = [element.attributes["class"], element.attributes["id"], element.attributes["role"]].compactMap { $0 }
        for label in labels {
            let words = label.lowercased().split(whereSeparator: { $0 == " " || $0 == "-" || $0 == "_" }).map(String.init)
            if words.contains(where: { Self.boilerplateWords.contains($0) }) {
                // Inside an article, a "share" bar goes but a "header" word alone does not.
                return true
            }
            if !insideArticle, words.contains("header") { return true }
        }
        return false
    }

    private func prune(_ element: HTMLElement, insideArticle: Bool) {
        let inside = insideArticle || element.name == "article" || element.name == "main"
        element.children.removeAll { child in
            if case .element(let child) = child { return isBoilerplate(child, insideArticle: inside) }
            return false
        }
        for child in element.children {
            if case .element(let child) = child { prune(child, insideArticle: inside) }
        }
    }

    private func mainContainer(_ root: HTMLElement) -> HTMLElement {
        var articles: [HTMLElement] = []
        var main: HTMLElement?
        var body: HTMLElement?
        root.descendants { element in
            if element.name == "article" || element.attributes["itemprop"] == "articleBody" { articles.append(element) }
            if main == nil, element.name == "main" || element.attributes["role"] == "main" { main = element }
            if body == nil, element.name == "body" { body = element }
        }
        if let best = articles.max(by: { $0.text.count < $1.text.count }), best.text.count >= 50 { return best }
        if let main { return main }

        var scores: [ObjectIdentifier: (element: HTMLElement, score: Double)] = [:]
        root.descendants { element in
            guard element.name == "p" || element.name == "pre" || element.name == "blockquote" else { return }
            let length = Double(element.text.count)
            guard length >= 10 else { return }
            let links = Double(linkTextLength(element))
            let value = length - links
            if let parent = element.parent {
                scores[ObjectIdentifier(parent), default: (parent, 0)].score += value
                if let grandparent = parent.parent {
                    scores[ObjectIdentifier(grandparent), default: (grandparent, 0)].score += value / 2
                }
            }
        }
        guard var best = scores.values.max(by: { $0.score < $1.score }) else { return body ?? root }
        // Posts of a thread each sit in their own box: climb while the parent scores nearly as
        // well, so sibling posts are kept together.
        while let parent = best.element.parent, let parentScore = scores[ObjectIdentifier(parent)],
              parentScore.score >= best.score * 0.75 {
            best = parentScore
        }
        return best.element
    }

    private func linkTextLength(_ element: HTMLElement) -> Int {
        var total = 0
        element.descendants { if $0.name == "a" { total += $0.text.count } }
        return total
    }

    // MARK: Writing

    struct Block {
        var text = ""
        var linkCharacters = 0
    }

    static let blockElements: Set<String> = [
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "tr", "dt", "dd", "section",
        "article", "main", "ul", "ol", "table", "figcaption", "header", "footer", "address", "details", "summary",
        "hr", "dl", "center",
    ]

    private func write(_ element: HTMLElement, into blocks: inout [Block], current: inout Block, preformatted: Bool,
                       inLink: Bool = false) {
        for child in element.children {
            switch child {
            case .text(let text):
                if preformatted {
                    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                        if index > 0 {
                            blocks.append(current)
                            current = Block()
                        }
                        current.text += line
                    }
                } else {
                    current.text += text
                    if inLink { current.linkCharacters += text.filter { !$0.isWhitespace }.count }
                }
            case .element(let child):
                if child.name == "br" {
                    blocks.append(current)
                    current = Block()
                    continue
                }
                if child.name == "img" || child.name == "figure" && child.children.isEmpty { continue }
                let isBlock = Self.blockElements.contains(child.name)
                if isBlock {
                    blocks.append(current)
                    current = Block()
                } else if child.name == "td" || child.name == "th" {
                    current.text += " "
                }
                write(child, into: &blocks, current: &current, preformatted: preformatted || child.name == "pre",
                      inLink: inLink || child.name == "a")
                if isBlock {
                    blocks.append(current)
                    current = Block()
                }
            }
        }
    }
}
