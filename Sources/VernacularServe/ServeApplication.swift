import Foundation
import Hummingbird
import ServiceLifecycle
import VernacularModels

/// The router: every endpoint, over whatever engine `host` holds. Tests call this too.
public func buildRouter(host: ModelHost, configuration: ServeConfiguration, metrics: ServeMetrics) -> Router<ServeRequestContext> {
    let router = Router(context: ServeRequestContext.self)
    router.middlewares.add(OpenAIErrorMiddleware(metrics: metrics, maxBodyBytes: configuration.maxBodyBytes))
    if let key = configuration.apiKey, !key.isEmpty { router.middlewares.add(APIKeyMiddleware(key: key)) }

    router.get("/") { _, _ in
        Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-cache"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: ChatPage.html)))
    }
    router.get("/health") { _, _ -> Response in
        let ready = host.engine != nil
        let body = ready ? #"{"status":"ok"}"# : #"{"status":"loading model"}"#
        return Response(status: ready ? .ok : .serviceUnavailable, headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
    router.get("/metrics") { _, _ -> Response in
        let engine = host.engine
        let text = metrics.render(queueDepth: engine?.queueDepth ?? 0, busySlots: engine?.busySlots ?? 0,
                                  slots: engine?.slots ?? configuration.slots)
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
    router.get("/v1/models") { _, _ -> Response in
        let id = host.engine?.modelID ?? configuration.modelID
        let object: [String: Any] = ["object": "list", "data": [[
            "id": id, "object": "model", "created": Int(Date().timeIntervalSince1970), "owned_by": "vernacular",
            "meta": ["n_ctx": configuration.context, "slots": configuration.slots],
        ] as [String: Any]]]
        return Response(status: .ok, headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: CompletionWire.encode(object))))
    }
    CompletionController(host: host, configuration: configuration, metrics: metrics).addRoutes(to: router)
    return router
}

/// Loads the model off the async runtime's threads, hands the engine to `host`, and on graceful
/// shutdown (after the HTTP server has finished its requests) drains and stops the scheduler.
public struct ModelLoadingService: Service {
    let host: ModelHost
    let load: @Sendable () throws -> any CompletionEngine
    let onReady: @Sendable (any CompletionEngine) -> Void

    public init(host: ModelHost, load: @escaping @Sendable () throws -> any CompletionEngine,
                onReady: @escaping @Sendable (any CompletionEngine) -> Void = { _ in }) {
        self.host = host
        self.load = load
        self.onReady = onReady
    }

    public func run() async throws {
        let load = self.load
        let engine: any CompletionEngine = try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                do { continuation.resume(returning: try load()) } catch { continuation.resume(throwing: error) }
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        host.setEngine(engine)
        onReady(engine)
        try? await gracefulShutdown()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread { engine.shutdown(); continuation.resume() }.start()
        }
    }
}

/// The whole server: the router, the model-loading service and the HTTP server, which stop
/// cleanly together on SIGTERM or SIGINT (`runService()`).
public func buildApplication(configuration: ServeConfiguration, host: ModelHost, metrics: ServeMetrics,
                             services: [any Service] = [],
                             onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
    Application(
        router: buildRouter(host: host, configuration: configuration, metrics: metrics),
        configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port),
                                                serverName: "vern"),
        services: services,
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) })
}

/// The engine for a loaded model, reporting finished generations to `metrics`.
public func makeEngine(loaded: LoadedModel, configuration: ServeConfiguration, metrics: ServeMetrics) -> ModelEngine {
    ModelEngine(loaded: loaded, modelID: configuration.modelID,
                configuration: BatchScheduler.Configuration(slots: configuration.slots, maxQueue: configuration.maxQueue),
                onFinish: { metrics.recordGeneration($0) })
}
