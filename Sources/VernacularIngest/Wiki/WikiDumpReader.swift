import Dispatch
import Foundation
import Synchronization
import VernacularCore

/// Reads MediaWiki XML dumps (`.xml`, `.xml.bz2`, `.xml.gz`, `.xml.zst`, and multistream `.bz2`
/// with its index) into one document per article, streaming: memory holds one page (or, for
/// multistream, one batch of streams per worker), never the dump.
///
/// Redirects and disambiguation pages are counted and left out (or, with `includeFlagged`, kept
/// with `redirect`/`disambiguation` in `meta`). A malformed page is a counted skip naming the
/// page; a truncated archive keeps every page decoded before the cut.
public struct WikiDumpReader: DocumentReader {
    public struct Options: Sendable {
        public var wikitext = WikitextOptions()
        /// Namespaces to keep; 0 is articles.
        public var namespaces: Set<Int> = [0]
        /// Keep redirects and disambiguation pages, flagged in `meta`, instead of only counting them.
        public var includeFlagged = false
        /// The multistream index; nil looks for Wikimedia's companion file beside the dump.
        public var indexPath: String?
        /// Workers decoding multistream streams; 0 is one per core.
        public var workers = 0
        public init() {}
    }

    public let options: Options
    public var kind: String { "wiki" }

    public init(options: Options = Options()) {
        self.options = options
    }

    public func accepts(fileName: String) -> Bool {
        hasAnySuffix(fileName, [".xml", ".xml.bz2", ".xml.gz", ".xml.zst"])
    }

    public func read(file: String, policy: ErrorPolicy, report: inout IngestReport,
                     emit: (Document) throws -> Void) throws {
        if let index = options.indexPath ?? MultistreamIndex.companion(of: file) {
            try readMultistream(file: file, indexPath: index, policy: policy, report: &report, emit: emit)
            return
        }
        let scanner = DumpPageScanner(source: try InputFiles.open(file))
        var site = DumpSiteInfo()
        try scan(scanner, file: file, site: &site, policy: policy, report: &report, emit: emit)
    }

    /// Pages of one stream of items, in order. With `parallel`, one thread decompresses and cuts
    /// pages (`DumpPageScanner`) while the workers render the batch before, so a single-stream
    /// dump keeps every core busy; without it (a multistream worker), all happens here.
    private func scan(_ scanner: DumpPageScanner, file: String, site: inout DumpSiteInfo, policy: ErrorPolicy,
                      report: inout IngestReport, parallel: Bool = true, emit: (Document) throws -> Void) throws {
        guard parallel, workerCount > 1 else {
            var pages: [DumpPage] = []
            do {
                while let item = try scanner.next() {
                    try take(item, pages: &pages, batchSize: 1, file: file, site: &site, policy: policy, report: &report,
                             parallel: false, emit: emit)
                }
            } catch {
                // Pages read before a truncated or corrupt archive stops are kept.
                try flush(&pages, site: site, file: file, report: &report, parallel: false, emit: emit)
                throw error
            }
            try flush(&pages, site: site, file: file, report: &report, parallel: false, emit: emit)
            return
        }

        /// What the scanning thread hands over: items in dump order, then how the stream ended.
        enum Handoff { case items([DumpPageScanner.Item]), failed(any Error) }
        let batchSize = workerCount * 64
        // Two batches in flight: one rendering, one being scanned.
        let queue = BoundedQueue<Handoff>(capacity: 2)
        let scannerBox = UncheckedBox(scanner)
        let producerDone = DispatchSemaphore(value: 0)
        let producer = Thread {
            defer {
                queue.close()
                producerDone.signal()
            }
            var items: [DumpPageScanner.Item] = []
            var pageCount = 0
            do {
                while let item = try scannerBox.value.next() {
                    if case .page = item { pageCount += 1 }
                    items.append(item)
                    if pageCount >= batchSize {
                        guard queue.push(.items(items)) else { return }
                        items = []
                        pageCount = 0
                    }
                }
                if !items.isEmpty { _ = queue.push(.items(items)) }
            } catch {
                if !items.isEmpty, !queue.push(.items(items)) { return }
                _ = queue.push(.failed(error))
            }
        }
        producer.stackSize = 8 << 20
        producer.start()
        defer {
            // On an early exit (a policy stop, a write error), stop the scanner and wait for it.
            queue.close()
            producerDone.wait()
        }
        var pages: [DumpPage] = []
        do {
            while let handoff = queue.pop() {
                switch handoff {
                case .items(let items):
                    for item in items {
                        try take(item, pages: &pages, batchSize: Int.max, file: file, site: &site, policy: policy,
                                 report: &report, parallel: true, emit: emit)
                    }
                    try flush(&pages, site: site, file: file, report: &report, parallel: true, emit: emit)
                case .failed(let error):
                    throw error
                }
            }
        } catch {
            // As above: the pages before the failure are kept.
            try flush(&pages, site: site, file: file, report: &report, parallel: true, emit: emit)
            throw error
        }
    }

    /// One scanned item, in order: a new site header renders the pages before it under the old
    /// one; a malformed page is a counted skip; a page joins the batch.
    private func take(_ item: DumpPageScanner.Item, pages: inout [DumpPage], batchSize: Int, file: String,
                      site: inout DumpSiteInfo, policy: ErrorPolicy, report: inout IngestReport, parallel: Bool,
                      emit: (Document) throws -> Void) throws {
        switch item {
        case .siteInfo(let info):
            try flush(&pages, site: site, file: file, report: &report, parallel: parallel, emit: emit)
            site = info
        case .malformed(let problem):
            report.count("pages_malformed")
            try report.skip(InputProblem(file: file, line: nil, message: problem.description), policy: policy)
        case .page(let page):
            pages.append(page)
            if pages.count >= batchSize {
                try flush(&pages, site: site, file: file, report: &report, parallel: parallel, emit: emit)
            }
        }
    }

    private func flush(_ pages: inout [DumpPage], site: DumpSiteInfo, file: String, report: inout IngestReport,
                       parallel: Bool, emit: (Document) throws -> Void) throws {
        guard !pages.isEmpty else { return }
        defer { pages.removeAll(keepingCapacity: true) }
        for document in convert(pages, site: site, file: file, report: &report, parallel: parallel) { try emit(document) }
    }

    private var workerCount: Int {
        max(1, options.workers > 0 ? options.workers : ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Renders a batch of pages, in parallel when asked, keeping their order.
    private func convert(_ pages: [DumpPage], site: DumpSiteInfo, file: String, report: inout IngestReport,
                         parallel: Bool) -> [Document] {
        guard parallel, pages.count > 1, workerCount > 1 else {
            return pages.compactMap { document(from: $0, site: site, file: file, report: &report) }
        }
        let results = Mutex<[Int: (Document?, IngestReport)]>([:])
        // Several chunks per worker: a worker sharing its core with the scanning thread takes fewer.
        let chunks = min(pages.count, workerCount * 8)
        let chunk = (pages.count + chunks - 1) / chunks
        DispatchQueue.concurrentPerform(iterations: chunks) { worker in
            var local: [Int: (Document?, IngestReport)] = [:]
            for position in min(pages.count, worker * chunk)..<min(pages.count, (worker + 1) * chunk) {
                var pageReport = IngestReport()
                let document = self.document(from: pages[position], site: site, file: file, report: &pageReport)
                local[position] = (document, pageReport)
            }
            results.withLock { $0.merge(local) { first, _ in first } }
        }
        let finished = results.withLock { $0 }
        var documents: [Document] = []
        for position in pages.indices {
            guard let (document, pageReport) = finished[position] else { continue }
            report.merge(pageReport)
            if let document { documents.append(document) }
        }
        return documents
    }

    /// Turns a page into a document, or counts why it is not one.
    func document(from page: DumpPage, site: DumpSiteInfo, file: String, report: inout IngestReport) -> Document? {
        guard options.namespaces.contains(page.namespace) else {
            report.count("pages_other_namespace")
            return nil
        }
        let redirect = page.redirectTarget ?? Self.redirectTarget(inText: page.text)
        if redirect != nil {
            report.count("pages_redirect")
            if !options.includeFlagged { return nil }
        }
        let rendered = WikitextRenderer(options: options.wikitext).render(page.text)
        if rendered.isDisambiguation {
            report.count("pages_disambiguation")
            if !options.includeFlagged { return nil }
        }
        if rendered.text.isEmpty, redirect == nil {
            report.count("pages_empty")
            return nil
        }
        var meta = JSONObject()
        meta["title"] = .string(page.title)
        meta["page_id"] = .string(page.id)
        if !page.revisionID.isEmpty { meta["revision_id"] = .string(page.revisionID) }
        if !page.timestamp.isEmpty { meta["timestamp"] = .string(page.timestamp) }
        if let url = site.url(title: page.title) { meta["url"] = .string(url) }
        if !site.dbName.isEmpty { meta["wiki"] = .string(site.dbName) }
        if page.namespace != 0 { meta["namespace"] = JSONValue(page.namespace) }
        if !rendered.categories.isEmpty { meta["categories"] = .array(rendered.categories.map { .string($0) }) }
        if let redirect { meta["redirect"] = .string(redirect) }
        if rendered.isDisambiguation { meta["disambiguation"] = .bool(true) }
        let wiki = site.dbName.isEmpty ? "wiki" : site.dbName
        return Document(id: "\(wiki)/\(page.id.isEmpty ? page.title : page.id)", text: rendered.text, source: file, meta: meta)
    }

    /// `#REDIRECT [[目標]]` (and the zh-yue spellings), for dumps without `<redirect/>`.
    static func redirectTarget(inText text: String) -> String? {
        // Cheap test first: nearly every page does not start with `#`.
        guard let first = text.utf8.first(where: { !isSpace($0) }), first == UInt8(ascii: "#") else { return nil }
        let head = text.prefix(200).trimmingCharacters(in: .whitespaces)
        guard head.hasPrefix("#") else { return nil }
        let word = head.dropFirst().prefix { $0 != "[" && $0 != " " }.lowercased()
        guard ["redirect", "重定向", "重新導向", "重定向至", "跳轉", "跳转"].contains(word),
              let open = head.range(of: "[["), let close = head.range(of: "]]", range: open.upperBound..<head.endIndex)
        else { return nil }
        return String(head[open.upperBound..<close.lowerBound])
    }

    // MARK: Multistream

    /// What one worker made of one bzip2 stream.
    private struct StreamResult: Sendable {
        var documents: [Document] = []
        var report = IngestReport()
        var failure: InputProblem?
    }

    private func readMultistream(file: String, indexPath: String, policy: ErrorPolicy, report: inout IngestReport,
                                 emit: (Document) throws -> Void) throws {
        let index = try MultistreamIndex(path: indexPath)
        report.count("index_lines_bad", index.badLines)
        let fileSize = (try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        let offsets = index.streamOffsets.filter { $0 < fileSize }
        guard let firstOffset = offsets.first else { throw IOError(path: file, message: "the index points past the end of the dump") }

        // The header stream (before the first indexed offset) holds <siteinfo> and no pages.
        var site = DumpSiteInfo()
        if firstOffset > 0 {
            let header = try Bzip2ByteSource(file: FileByteSource(path: file, offset: 0, length: firstOffset), path: file)
            let scanner = DumpPageScanner(source: header)
            try scan(scanner, file: file, site: &site, policy: policy, report: &report, emit: emit)
        }
        let ranges: [Range<Int>] = offsets.indices.map { i in
            offsets[i]..<(i + 1 < offsets.count ? offsets[i + 1] : fileSize)
        }
        let workers = workerCount
        // Batches bound memory to a few streams per worker while keeping output in dump order.
        let batchSize = workers * 4
        let siteInfo = site
        var batchStart = 0
        while batchStart < ranges.count {
            let batch = Array(ranges[batchStart..<min(ranges.count, batchStart + batchSize)])
            let results = Mutex<[Int: StreamResult]>([:])
            DispatchQueue.concurrentPerform(iterations: batch.count) { position in
                let result = readStream(file: file, range: batch[position], site: siteInfo)
                results.withLock { $0[position] = result }
            }
            let finished = results.withLock { $0 }
            for position in batch.indices {
                guard let result = finished[position] else { continue }
                // Workers always skip; the policy is applied here, in dump order.
                if policy == .fail, let first = result.report.problems.first { throw first }
                report.merge(result.report)
                for document in result.documents { try emit(document) }
                if let failure = result.failure {
                    report.count("streams_failed")
                    try report.skip(failure, policy: policy)
                }
            }
            batchStart += batch.count
        }
    }

    /// Decodes one stream; its malformed pages are recorded as skips (the caller applies the
    /// policy in order), and a stream-level failure keeps the pages before it.
    private func readStream(file: String, range: Range<Int>, site: DumpSiteInfo) -> StreamResult {
        var result = StreamResult()
        do {
            let source = try Bzip2ByteSource(file: FileByteSource(path: file, offset: range.lowerBound, length: range.count),
                                             path: file)
            let scanner = DumpPageScanner(source: source)
            var streamSite = site
            var documents: [Document] = []
            defer { result.documents = documents }
            try scan(scanner, file: file, site: &streamSite, policy: .skip, report: &result.report, parallel: false) {
                documents.append($0)
            }
        } catch {
            result.failure = InputProblem(file: file, line: nil,
                                          message: "bzip2 stream at byte \(range.lowerBound): \(error)")
        }
        return result
    }
}

/// Hands a value that is used by one thread at a time to another thread (the scanner moves to
/// the scanning thread and is not touched here until that thread has finished).
private final class UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
