import Foundation
import VernacularCore

/// Where a licence on a source came from, so the card can say how it is known.
public enum LicenceOrigin: String, Sendable, Codable {
    /// `license` in the ingest folder's ingest-report.json (`vern ingest --license`).
    case ingestReport = "ingest-report.json"
    /// Every document of the source carries the same `meta.licence` (readers that know their corpus).
    case documentMeta = "meta.licence of its documents"
    /// Given on the release command line (`--source-license NAME=ID`).
    case commandLine = "--source-license"
}

/// One source of a run: an ingest output folder (or a file the pipeline read directly), with its
/// licence and how many of its documents the run read and the release keeps.
public struct DatasetSource: Sendable, Equatable {
    /// The folder holding ingest-report.json, or the input file itself, as the run named it.
    public var name: String
    public var files: [String]
    /// The licence as recorded (Hub id or the corpus's own wording); nil when none was.
    public var licence: String?
    public var licenceOrigin: LicenceOrigin?
    /// Documents ingest wrote, from ingest-report.json.
    public var documentsIngested: Int?
    /// The `vern ingest` command that wrote the folder, as ingest-report.json records it.
    public var ingestCommand: [String]?
    /// Documents of this source in the run's input files.
    public var documentsRead = 0
    /// Documents of this source in the release.
    public var documentsReleased = 0

    public init(name: String, files: [String] = [], licence: String? = nil, licenceOrigin: LicenceOrigin? = nil,
                documentsIngested: Int? = nil) {
        self.name = name
        self.files = files
        self.licence = licence
        self.licenceOrigin = licenceOrigin
        self.documentsIngested = documentsIngested
    }
}

/// What ingest-report.json tells a release; other fields are ignored.
struct IngestReportFacts: Decodable {
    var documents: Int?
    var license: String?
    var command: [String]?
}

/// Finds the sources of a run from its manifest's input files and tells which source each
/// document id came from.
public struct SourceCatalog: Sendable {
    public private(set) var sources: [DatasetSource]
    /// Document id to index in `sources`.
    private var sourceOfID: [String: Int]

    /// Groups the run's inputs by ingest folder and reads their document ids. `overrides` maps a
    /// source name (or its last path component) to a licence given on the command line.
    public init(run: PipelineRunFolder, overrides: [String: String] = [:]) throws {
        var sources: [DatasetSource] = []
        var indexOfName: [String: Int] = [:]
        var sourceOfID: [String: Int] = [:]
        var metaLicences: [Int: Set<String>] = [:]
        var unlicensedDocuments: [Int: Int] = [:]
        let mapping = run.pipeline.input.fieldMapping
        for input in run.manifest.inputs {
            let folder = (input.path as NSString).deletingLastPathComponent
            let report = folder + "/ingest-report.json"
            let fromIngest = FileManager.default.fileExists(atPath: report)
            let name = fromIngest ? folder : input.path
            let index: Int
            if let known = indexOfName[name] {
                index = known
            } else {
                var source = DatasetSource(name: name)
                if fromIngest {
                    let facts = try PipelineRunFolder.decode(IngestReportFacts.self, from: report)
                    source.documentsIngested = facts.documents
                    source.ingestCommand = facts.command
                    if let licence = facts.license { source.licence = licence; source.licenceOrigin = .ingestReport }
                }
                index = sources.count
                indexOfName[name] = index
                sources.append(source)
            }
            sources[index].files.append(input.path)
            guard FileManager.default.fileExists(atPath: input.path) else {
                throw ReleaseError(path: input.path, message: "an input of the run is gone; the release reads it to tell which source each document came from")
            }
            try DocumentReading.forEach(path: input.path, mapping: mapping) { document in
                sources[index].documentsRead += 1
                sourceOfID[document.id] = index
                if let licence = document.meta["licence"]?.stringValue ?? document.meta["license"]?.stringValue {
                    metaLicences[index, default: []].insert(licence)
                } else {
                    unlicensedDocuments[index, default: 0] += 1
                }
            }
        }
        for index in sources.indices {
            let source = sources[index]
            let shortName = (source.name as NSString).lastPathComponent
            if let given = overrides[source.name] ?? overrides[shortName] {
                sources[index].licence = given
                sources[index].licenceOrigin = .commandLine
            } else if source.licence == nil, unlicensedDocuments[index, default: 0] == 0,
                      let licences = metaLicences[index], licences.count == 1 {
                sources[index].licence = licences.first
                sources[index].licenceOrigin = .documentMeta
            }
        }
        let names = Set(sources.flatMap { [$0.name, ($0.name as NSString).lastPathComponent] })
        if let unknown = overrides.keys.sorted().first(where: { !names.contains($0) }) {
            throw ReleaseError(path: run.path + "/manifest.json",
                               message: "--source-license names '\(unknown)', which is none of the run's sources: \(sources.map(\.name).joined(separator: ", "))")
        }
        self.sources = sources
        self.sourceOfID = sourceOfID
    }

    /// The source a released document came from; nil for an id none of the inputs held.
    public func sourceIndex(ofDocument id: String) -> Int? { sourceOfID[id] }

    public mutating func countReleased(sourceIndex index: Int) { sources[index].documentsReleased += 1 }
}
