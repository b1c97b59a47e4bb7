// A read-only memory map of a whole file. Weight files are hundreds of megabytes; mapping lets the
// kernel page in only what a reader touches and keeps one copy shared between processes.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file mapped read-only into memory; the mapping lives as long as this object.
public final class MappedFile: @unchecked Sendable {
    // Sendable is sound: the mapping is PROT_READ, never written and only unmapped in deinit.

    /// Path the file was opened from (for error messages).
    public let path: String
    /// The file's bytes; valid for this object's lifetime.
    public let bytes: UnsafeRawBufferPointer
    private let base: UnsafeMutableRawPointer?

    /// Maps the file at `path`; throws if it cannot be opened or mapped.
    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw WeightFileError(path: path, .cannotOpen(String(cString: strerror(errno))))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw WeightFileError(path: path, .cannotOpen(String(cString: strerror(errno))))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw WeightFileError(path: path, .cannotOpen("not a regular file"))
        }
        let size = Int(info.st_size)
        // mmap rejects a zero length; an empty file is simply zero bytes (and fails as truncated).
        guard size > 0 else {
            base = nil
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let mapped, mapped != MAP_FAILED else {
            throw WeightFileError(path: path, .cannotOpen("mmap failed: " + String(cString: strerror(errno))))
        }
        base = mapped
        bytes = UnsafeRawBufferPointer(start: mapped, count: size)
    }

    deinit {
        if let base { munmap(base, bytes.count) }
    }
}
