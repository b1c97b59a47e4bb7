/// How `vern serve` listens and what it allows. Defaults suit a small machine serving a small
/// model to a handful of people at once.
public struct ServeConfiguration: Sendable {
    /// Address to bind; loopback unless the server is meant to be reached from elsewhere.
    public var host: String
    /// Port; 0 picks a free one (printed at start).
    public var port: Int
    /// Sequences decoded together in one batched step.
    public var slots: Int
    /// Requests that may wait for a slot; past this the answer is 429.
    public var maxQueue: Int
    /// Tokens per sequence (prompt plus completion).
    public var context: Int
    /// When set, `/v1/*` needs `Authorization: Bearer KEY`.
    public var apiKey: String?
    /// Largest request body accepted (413 past it).
    public var maxBodyBytes: Int
    /// The id `/v1/models` lists.
    public var modelID: String
    /// Where each completion request received is logged (body hash and time), if anywhere.
    public var requestLog: RequestLog?

    public init(host: String = "127.0.0.1", port: Int = 8080, slots: Int = 4, maxQueue: Int = 64, context: Int = 2048,
                apiKey: String? = nil, maxBodyBytes: Int = 1 << 20, modelID: String = "vern", requestLog: RequestLog? = nil) {
        self.host = host
        self.port = port
        self.slots = slots
        self.maxQueue = maxQueue
        self.context = context
        self.apiKey = apiKey
        self.maxBodyBytes = maxBodyBytes
        self.modelID = modelID
        self.requestLog = requestLog
    }
}
