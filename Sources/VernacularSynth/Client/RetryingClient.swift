import Foundation
import Synchronization

/// Counts of what was sent and what came back, shared by all concurrent requests of a job.
public final class RequestAccounting: Sendable {
    public struct Snapshot: Sendable, Codable, Equatable {
        /// HTTP requests sent (first attempts and retries).
        public var requests = 0
        public var retries = 0
        /// Failures seen per kind (`http_429`, `timeout`, ...), retried or not.
        public var errors: [String: Int] = [:]
        public var promptTokens = 0
        public var completionTokens = 0

        enum CodingKeys: String, CodingKey {
            case requests, retries, errors
            case promptTokens = "prompt_tokens", completionTokens = "completion_tokens"
        }
    }

    private let state = Mutex(Snapshot())
    private let budget: Int?

    /// `budget`: the most requests this job may send (`--max-requests`); nil for no limit.
    public init(budget: Int? = nil) { self.budget = budget }

    public var snapshot: Snapshot { state.withLock { $0 } }

    /// Takes one request from the budget; false once it is spent.
    func takeRequest(isRetry: Bool) -> Bool {
        state.withLock {
            if let budget, $0.requests >= budget { return false }
            $0.requests += 1
            if isRetry { $0.retries += 1 }
            return true
        }
    }

    func record(error: EndpointError) { state.withLock { $0.errors[error.kind, default: 0] += 1 } }

    func record(answer: ChatAnswer) {
        state.withLock {
            $0.promptTokens += answer.promptTokens
            $0.completionTokens += answer.completionTokens
        }
    }
}

/// Why a request gave no answer after everything the policy allows.
public enum RequestFailure: Error, Sendable, CustomStringConvertible {
    case failed(EndpointError, attempts: Int)
    /// `--max-requests` is spent: the item waits for the next run.
    case budgetSpent

    public var description: String {
        switch self {
        case .failed(let error, let attempts): "\(error) (after \(attempts) attempt\(attempts == 1 ? "" : "s"))"
        case .budgetSpent: "the request budget (--max-requests) is spent"
        }
    }
}

/// Retries a ChatCompleting endpoint by a RetryPolicy, within a request budget, counting all.
public struct RetryingClient: Sendable {
    public let endpoint: any ChatCompleting
    public let policy: RetryPolicy
    public let accounting: RequestAccounting

    public init(endpoint: any ChatCompleting, policy: RetryPolicy, accounting: RequestAccounting) {
        self.endpoint = endpoint
        self.policy = policy
        self.accounting = accounting
    }

    public func complete(_ request: ChatRequest) async throws(RequestFailure) -> ChatAnswer {
        var attempt = 0
        while true {
            guard accounting.takeRequest(isRetry: attempt > 0) else { throw RequestFailure.budgetSpent }
            attempt += 1
            do {
                let answer = try await endpoint.complete(request)
                accounting.record(answer: answer)
                return answer
            } catch {
                accounting.record(error: error)
                guard let wait = policy.delay(beforeRetry: attempt, after: error) else {
                    throw RequestFailure.failed(error, attempts: attempt)
                }
                do { try await Task.sleep(for: .milliseconds(Int(wait * 1000))) } catch {
                    throw RequestFailure.failed(.connection("cancelled"), attempts: attempt)
                }
            }
        }
    }
}
