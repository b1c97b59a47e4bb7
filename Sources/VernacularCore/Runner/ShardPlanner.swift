#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One unit of parallel work: a whole input file, or a newline-aligned byte range of a plain one.
public struct Shard: Sendable, Codable, Equatable {
    /// Position in the plan; names the shard's output files.
    public let index: Int
    public let path: String
    public let offset: Int
    /// Bytes to read from `offset`; nil means to the end of the file.
    public let length: Int?
    /// Line number of the range's first line in the whole file, so derived ids and error
    /// messages name the same line whichever shard reads it.
    public let firstLine: Int
    public let fileSize: Int
    /// Modification time in seconds since 1970; with the size, tells a resumed run the input
    /// changed under it.
    public let fileModified: Int

    enum CodingKeys: String, CodingKey {
        case index, path, offset, length
        case firstLine = "first_line"
        case fileSize = "file_size"
        case fileModified = "file_modified"
    }

    public var name: String { Shard.name(forIndex: index) }

    /// `shard-00042`: zero-padded so shards sort by name in their processing order.
    public static func name(forIndex index: Int) -> String {
        let digits = String(index)
        return "shard-" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }
}

/// A named input file's size and modification time, as recorded in the manifest.
public struct InputFileInfo: Sendable, Codable, Equatable {
    public let path: String
    public let size: Int
    public let modified: Int
}

public enum ShardPlanner {
    /// Expands globs and folders into a sorted list of files; a pattern matching nothing is an error.
    public static func expand(_ patterns: [String]) throws -> [String] {
        var files: [String] = []
        for pattern in patterns {
            var matches: [String] = []
            for match in globFiles(pattern) {
                // A folder stands for the files in it.
                if isDirectory(match) {
                    matches += globFiles(match.hasSuffix("/") ? match + "*" : match + "/*").filter { !isDirectory($0) }
                } else {
                    matches.append(match)
                }
            }
            guard !matches.isEmpty else { throw IOError(path: pattern, message: "no input file matches") }
            files.append(contentsOf: matches.filter { !isDirectory($0) })
        }
        var seen = Set<String>()
        return files.filter { seen.insert($0).inserted }
    }

    /// Plans shards over files: compressed files whole, plain files cut near every
    /// `shardSizeBytes` at the next line start.
    public static func plan(files: [String], shardSizeBytes: Int) throws -> (shards: [Shard], inputs: [InputFileInfo]) {
        var shards: [Shard] = []
        var inputs: [InputFileInfo] = []
        for path in files {
            let info = try fileInfo(path)
            inputs.append(info)
            if Compression(path: path) != .none || info.size <= shardSizeBytes || shardSizeBytes <= 0 {
                shards.append(Shard(index: shards.count, path: path, offset: 0, length: nil, firstLine: 1,
                                    fileSize: info.size, fileModified: info.modified))
                continue
            }
            for range in try lineAlignedRanges(path: path, size: info.size, target: shardSizeBytes) {
                shards.append(Shard(index: shards.count, path: path, offset: range.offset, length: range.length,
                                    firstLine: range.firstLine, fileSize: info.size, fileModified: info.modified))
            }
        }
        return (shards, inputs)
    }

    public static func fileInfo(_ path: String) throws -> InputFileInfo {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw IOError(path: path, message: "cannot read: \(String(cString: strerror(errno)))")
        }
        return InputFileInfo(path: path, size: Int(status.st_size), modified: Int(status.st_mtim.tv_sec))
    }

    /// One pass over the file: cuts after the first newline at or past each multiple of `target`,
    /// counting lines on the way so every range knows its first line number.
    static func lineAlignedRanges(path: String, size: Int, target: Int) throws -> [(offset: Int, length: Int, firstLine: Int)] {
        let source = try FileByteSource(path: path)
        var ranges: [(offset: Int, length: Int, firstLine: Int)] = []
        var rangeStart = 0
        var rangeFirstLine = 1
        var nextCut = target
        var position = 0
        var lines = 0
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            let count = try source.read(into: chunk)
            if count == 0 { break }
            let base = chunk.baseAddress!
            var cursor = 0
            while cursor < count, let found = memchr(base + cursor, 0x0A, count - cursor) {
                let newline = base.distance(to: UnsafeMutableRawPointer(found))
                lines += 1
                let absolute = position + newline
                if absolute + 1 >= nextCut, absolute + 1 < size {
                    ranges.append((rangeStart, absolute + 1 - rangeStart, rangeFirstLine))
                    rangeStart = absolute + 1
                    rangeFirstLine = lines + 1
                    nextCut = rangeStart + target
                }
                cursor = newline + 1
            }
            position += count
        }
        ranges.append((rangeStart, size - rangeStart, rangeFirstLine))
        return ranges
    }

    public static func globFiles(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard glob(pattern, 0, nil, &result) == 0 else { return [] }
        var paths: [String] = []
        for index in 0..<Int(result.gl_pathc) {
            if let pointer = result.gl_pathv[index] { paths.append(String(cString: pointer)) }
        }
        return paths.sorted()
    }

    static func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }
}
