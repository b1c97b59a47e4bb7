import Hummingbird
import NIOCore

/// The request context of every route: Hummingbird's basics plus the connection, whose closing
/// tells a streaming answer that its client has gone.
public struct ServeRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The client's connection.
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}
