/// Why a release could not be written: the file (and record, when there is one) and what was wrong.
public struct ReleaseError: Error, Sendable, CustomStringConvertible {
    public let path: String
    /// 1-based line or record number in `path`, when the problem is in one record.
    public let record: Int?
    public let message: String

    public init(path: String, record: Int? = nil, message: String) {
        self.path = path
        self.record = record
        self.message = message
    }

    public var description: String {
        if let record { return "\(path):\(record): \(message)" }
        return "\(path): \(message)"
    }
}
