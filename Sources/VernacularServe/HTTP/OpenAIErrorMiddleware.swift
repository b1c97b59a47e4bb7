import Hummingbird

/// Renders every error in OpenAI's shape (the router's own 404s and 413s included) and counts
/// every answer by endpoint and status for `/metrics`.
struct OpenAIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServeMetrics
    let maxBodyBytes: Int
    /// Paths counted under their own name; anything else is `other`, so that clients cannot grow
    /// the label set.
    static var knownEndpoints: Set<String> {
        ["/", "/health", "/metrics", "/v1/models", "/v1/chat/completions", "/v1/completions"]
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        let endpoint = Self.knownEndpoints.contains(path) ? path : "other"
        let response: Response
        do {
            response = try await next(request, context)
        } catch let error as OpenAIError {
            response = try error.response(from: request, context: context)
        } catch let error as HTTPError {
            let converted: OpenAIError
            switch error.status {
            case .notFound: converted = .routeNotFound(request.method.rawValue, path)
            case .contentTooLarge: converted = .bodyTooLarge(limit: maxBodyBytes)
            default:
                converted = OpenAIError(status: error.status, message: error.body ?? error.status.reasonPhrase,
                                        type: error.status.code >= 500 ? "server_error" : "invalid_request_error")
            }
            response = try converted.response(from: request, context: context)
        } catch {
            response = try OpenAIError.internalError("\(error)").response(from: request, context: context)
        }
        metrics.recordRequest(endpoint: endpoint, status: response.status.code)
        return response
    }
}

/// `Authorization: Bearer KEY` on `/v1/*` when the server has a key; the page, `/health` and
/// `/metrics` stay open (the page asks for the key itself).
struct APIKeyMiddleware<Context: RequestContext>: RouterMiddleware {
    let key: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.path.hasPrefix("/v1/") {
            let given = request.headers[.authorization] ?? ""
            guard given == "Bearer " + key else { throw OpenAIError.unauthorized }
        }
        return try await next(request, context)
    }
}
