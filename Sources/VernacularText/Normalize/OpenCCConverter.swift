import COpenCC
import Synchronization

/// OpenCC could not load a configuration or convert a text.
public struct OpenCCError: Error, Sendable, CustomStringConvertible {
    public let configuration: String
    public let message: String

    public var description: String {
        "OpenCC configuration '\(configuration)': \(message) (Debian's libopencc-data installs them in /usr/share/opencc)"
    }
}

/// Converters for one OpenCC configuration (`s2hk.json`, ...), shared by all workers of a run.
///
/// OpenCC does not promise that one handle may convert on two threads at once, and opening a
/// handle loads its dictionaries (milliseconds, megabytes), so a call borrows a handle for itself
/// and gives it back: a worker's first call opens one, later calls reuse it. There are never more
/// handles than workers converting at the same moment, and none is opened per document.
public final class OpenCCConverterPool: Sendable {
    /// A handle, only ever used by the one thread that borrowed it.
    private struct Handle: @unchecked Sendable { let raw: UnsafeMutableRawPointer }

    public let configuration: String
    private let idle: Mutex<[Handle]>
    private let opened = Atomic<Int>(1)

    /// Handles opened so far: at most the number of threads that ever converted at once.
    public var handlesOpened: Int { opened.load(ordering: .relaxed) }

    /// Opens the first handle now, so a missing configuration fails when the stage is built.
    public init(configuration: String) throws {
        self.configuration = configuration
        idle = Mutex([try Self.open(configuration)])
    }

    /// Serialises opening and closing handles across the process. libopencc loads and frees
    /// dictionaries there through state it does not guard: a pool closed on one thread while
    /// another opens one crashed the parallel tests. Conversions with a handle need no lock.
    private static let openAndClose = Mutex(())

    deinit {
        idle.withLock { handles in
            Self.openAndClose.withLock { _ in
                for handle in handles { _ = opencc_close(handle.raw) }
            }
            handles.removeAll()
        }
    }

    /// The converted text. Text holding a NUL is returned as it is: OpenCC hands back a C string.
    public func convert(_ text: String) throws -> String {
        if text.isEmpty || text.utf8.contains(0) { return text }
        let handle: Handle
        if let idleHandle = idle.withLock({ $0.popLast() }) {
            handle = idleHandle
        } else {
            handle = try Self.open(configuration)
            opened.add(1, ordering: .relaxed)
        }
        defer { idle.withLock { $0.append(handle) } }
        var input = text
        let converted: String? = input.withUTF8 { bytes in
            let start = UnsafeRawPointer(bytes.baseAddress!).assumingMemoryBound(to: CChar.self)
            guard let output = opencc_convert_utf8(handle.raw, start, bytes.count) else { return nil }
            defer { opencc_convert_utf8_free(output) }
            return String(cString: output)
        }
        guard let converted else { throw OpenCCError(configuration: configuration, message: Self.lastError()) }
        return converted
    }

    private static func open(_ configuration: String) throws -> Handle {
        // opencc_open finds a bare name in OpenCC's data folder and returns (opencc_t)-1 on failure.
        let opened = openAndClose.withLock { _ in opencc_open(configuration) }
        guard let raw = opened, raw != UnsafeMutableRawPointer(bitPattern: -1) else {
            throw OpenCCError(configuration: configuration, message: lastError())
        }
        return Handle(raw: raw)
    }

    private static func lastError() -> String {
        guard let message = opencc_error() else { return "unknown error" }
        return String(cString: message)
    }
}
