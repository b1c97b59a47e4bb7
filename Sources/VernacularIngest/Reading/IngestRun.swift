import Foundation
import VernacularCore

/// Drives one reader over a list of inputs into a shard writer: the library side of
/// `vern ingest`. Under `.skip`, a file that fails part-way keeps the documents read before the
/// failure and the run goes on with the next file; under `.fail`, the first problem stops the run.
public struct IngestRun {
    public let reader: any DocumentReader
    public let policy: ErrorPolicy

    public init(reader: any DocumentReader, policy: ErrorPolicy) {
        self.reader = reader
        self.policy = policy
    }

    /// A failure to write output, which no input policy may step over.
    struct OutputFailure: Error { let underlying: any Error }

    /// Reads every input (folders are walked for the reader's files, in name order) and writes
    /// each document to `writer`. Returns what was found; the caller finishes the writer.
    public func run(inputs: [String], writer: DocumentShardWriter) throws -> IngestReport {
        var report = IngestReport()
        for file in try InputFiles.expand(inputs, accepting: reader.accepts(fileName:), policy: policy, report: &report) {
            // Counted outside the report: the report is lent to the reader while it emits.
            var written = 0
            defer { report.documents += written }
            do {
                try reader.read(file: file, policy: policy, report: &report) { document in
                    do { try writer.write(document) } catch { throw OutputFailure(underlying: error) }
                    written += 1
                }
                report.files += 1
            } catch let failure as OutputFailure {
                throw failure.underlying
            } catch {
                // A file-level failure (truncated archive, unreadable file): already-written
                // documents of this file stay, the file is counted as failed.
                if policy == .fail { throw error }
                let problem = (error as? InputProblem) ?? InputProblem(file: file, line: nil, message: "\(error)")
                report.problems.append(problem)
                report.count("files_failed")
            }
        }
        return report
    }
}

/// Turns the command line's inputs into files.
public enum InputFiles {
    /// Files stay as given; folders are walked recursively for files the reader accepts, sorted
    /// so runs are reproducible. A missing input is a problem like any other.
    public static func expand(_ inputs: [String], accepting: (String) -> Bool, policy: ErrorPolicy,
                              report: inout IngestReport) throws -> [String] {
        var files: [String] = []
        for input in inputs {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: input, isDirectory: &isFolder) else {
                try report.skip(InputProblem(file: input, line: nil, message: "no such file or folder"), policy: policy)
                continue
            }
            guard isFolder.boolValue else {
                files.append(input)
                continue
            }
            let found = (FileManager.default.subpaths(atPath: input) ?? [])
                .filter { accepting(($0 as NSString).lastPathComponent) }
                .sorted()
                .map { (input as NSString).appendingPathComponent($0) }
            if found.isEmpty {
                try report.skip(InputProblem(file: input, line: nil, message: "no input files of this kind in the folder"),
                                policy: policy)
            }
            files += found
        }
        return files
    }

    /// Opens a file with the decompressor its name asks for: bzip2 here, gzip and zstd in Core.
    public static func open(_ path: String) throws -> any ByteSource {
        if path.lowercased().hasSuffix(".bz2") { return try Bzip2ByteSource(path: path) }
        return try FileByteSource.open(path: path)
    }

    /// The name without a compression suffix (`a.srt.gz` -> `a.srt`), for choosing a format.
    public static func formatName(_ path: String) -> String {
        let name = (path as NSString).lastPathComponent.lowercased()
        for suffix in [".bz2", ".gz", ".zst", ".zstd"] where name.hasSuffix(suffix) {
            return String(name.dropLast(suffix.count))
        }
        return name
    }
}
