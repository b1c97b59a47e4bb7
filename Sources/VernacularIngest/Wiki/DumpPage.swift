import Foundation

/// One `<page>` of a MediaWiki XML export, with the fields a corpus needs.
public struct DumpPage: Sendable, Equatable {
    public var title = ""
    public var namespace = 0
    public var id = ""
    public var revisionID = ""
    public var timestamp = ""
    /// The target of `<redirect title="..."/>`, when the page is a redirect.
    public var redirectTarget: String?
    public var text = ""

    /// `<ns>` as written, for the parser's key paths; a value that is not a number is 0.
    var namespaceText: String {
        get { String(namespace) }
        set { namespace = Int(newValue) ?? 0 }
    }
}

/// The `<siteinfo>` header of a dump: where page URLs point.
public struct DumpSiteInfo: Sendable, Equatable {
    public var dbName = ""
    /// `https://zh-yue.wikipedia.org/wiki/` (the `<base>` URL up to and including `/wiki/`).
    public var articleBase = ""

    public init(dbName: String = "", articleBase: String = "") {
        self.dbName = dbName
        self.articleBase = articleBase
    }

    /// The page's URL, with spaces as underscores the way MediaWiki writes them.
    public func url(title: String) -> String? {
        guard !articleBase.isEmpty else { return nil }
        // On bytes: Foundation's replacingOccurrences dominated a profile of the whole reader.
        var bytes = Array(title.utf8)
        for index in bytes.indices where bytes[index] == UInt8(ascii: " ") { bytes[index] = UInt8(ascii: "_") }
        return articleBase + String(decoding: bytes, as: UTF8.self)
    }
}

/// Why a page could not be read; the reader skips it and names it.
public struct MalformedPage: Error, Sendable, CustomStringConvertible {
    public let title: String?
    public let message: String
    public var description: String { "page \(title.map { "'\($0)'" } ?? "(no title)"): \(message)" }
}
