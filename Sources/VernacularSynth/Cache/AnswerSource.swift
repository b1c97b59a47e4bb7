import Foundation

/// Gives each request its answer once: from the cache when it is there, otherwise from the
/// endpoint, stored in the cache before it is handed out. Identical requests in flight at the
/// same time share one call, so duplicate inputs are not paid twice either.
public actor AnswerSource {
    public struct Outcome: Sendable {
        public var answer: ChatAnswer
        public var fromCache: Bool
    }

    private let cache: ResponseCache
    private let client: RetryingClient
    private var inFlight: [String: Task<ChatAnswer, any Error>] = [:]
    public private(set) var cacheHits = 0

    public init(cache: ResponseCache, client: RetryingClient) {
        self.cache = cache
        self.client = client
    }

    public func answer(_ request: ChatRequest) async throws -> Outcome {
        let hash = request.hash
        if let cached = cache.answer(for: hash) {
            cacheHits += 1
            return Outcome(answer: cached.answer, fromCache: true)
        }
        if let running = inFlight[hash] { return Outcome(answer: try await running.value, fromCache: true) }
        let client = client, cache = cache
        let task = Task<ChatAnswer, any Error> {
            let answer = try await client.complete(request)
            try cache.store(CachedAnswer(requestHash: hash, model: request.model, messages: request.messages,
                                         answer: answer, receivedAt: Date()))
            return answer
        }
        inFlight[hash] = task
        defer { inFlight[hash] = nil }
        return Outcome(answer: try await task.value, fromCache: false)
    }
}
