import Foundation
import Synchronization
import VernacularCore

/// `--request-log FILE`: one JSON line per completion request received, with the SHA-256 of its
/// body, so a client's retries and a resumed job's requests can be counted and matched against
/// its own request hashes (`vern synth` hashes exactly the body it sends).
public final class RequestLog: Sendable {
    private let handle: Mutex<FileHandle>
    public let path: String

    public init(path: String) throws {
        self.path = path
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw IOError(path: path, message: "cannot create the request log")
            }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw IOError(path: path, message: "cannot open the request log") }
        handle.seekToEndOfFile()
        self.handle = Mutex(handle)
    }

    func record(endpoint: String, body: Data) {
        let time = String(format: "%.3f", Date().timeIntervalSince1970)
        let line = #"{"time":\#(time),"endpoint":"\#(endpoint)","body_sha256":"\#(SHA256.hex(body))","bytes":\#(body.count)}"# + "\n"
        handle.withLock { $0.write(Data(line.utf8)) }
    }
}
