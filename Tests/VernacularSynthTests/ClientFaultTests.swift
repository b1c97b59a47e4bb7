import Foundation
import Testing
@testable import VernacularSynth

/// The retrying client against an endpoint that fails the way real ones do.
@Suite(.serialized) struct ClientFaultTests {
    func request(_ text: String) -> ChatRequest {
        ChatRequest(model: "fault", messages: [ChatMessage(role: "user", content: text)], parameters: SamplingParameters(maxTokens: 64))
    }

    func client(_ server: FaultServer, stream: Bool, timeout: Double = 3) -> (RetryingClient, EndpointClient, RequestAccounting) {
        let endpoint = EndpointClient(settings: EndpointSettings(url: server.baseURL, timeout: timeout, stream: stream))
        let accounting = RequestAccounting()
        return (RetryingClient(endpoint: endpoint, policy: RetryPolicy(maxRetries: 3, baseDelay: 0.05), accounting: accounting),
                endpoint, accounting)
    }

    @Test(arguments: [false, true])
    func eachFaultIsRetriedAndCounted(stream: Bool) async throws {
        let server = FaultServer()
        try await server.start()
        defer { server.stop() }
        let (retrying, endpoint, accounting) = client(server, stream: stream)
        defer { Task { await endpoint.shutdown() } }
        let cases: [(tag: String, error: String, count: Int)] = [
            ("[500x2]", "http_500", 2), ("[stall]", "timeout", 1), ("[cut]", "connection", 1), ("[badjson]", "invalid_response", 1),
        ]
        for (tag, error, count) in cases {
            let before = accounting.snapshot
            let answer = try await retrying.complete(request("翻譯 \(tag) \(stream)"))
            #expect(answer.content.hasSuffix("。") && answer.content.count > 10, "\(tag): the whole answer")
            #expect(answer.finishReason == "stop")
            let after = accounting.snapshot
            #expect(after.errors[error, default: 0] - before.errors[error, default: 0] == count, "\(tag): \(after.errors)")
            #expect(after.requests - before.requests == count + 1, "\(tag)")
            #expect(after.retries - before.retries == count, "\(tag)")
        }
        #expect(accounting.snapshot.completionTokens > 0)
    }

    @Test func retryAfterIsWaitedFor() async throws {
        let server = FaultServer()
        try await server.start()
        defer { server.stop() }
        let (retrying, endpoint, accounting) = client(server, stream: false)
        defer { Task { await endpoint.shutdown() } }
        let start = Date()
        _ = try await retrying.complete(request("[429] 今天"))
        // The policy alone would wait 0.05 s; the server asked for 1 s.
        #expect(Date().timeIntervalSince(start) >= 1)
        #expect(accounting.snapshot.errors == ["http_429": 1])
        #expect(accounting.snapshot.requests == 2)
    }

    @Test func otherClientErrorsAreNotRetriedAndKeepTheServersMessage() async throws {
        let server = FaultServer()
        try await server.start()
        defer { server.stop() }
        let (retrying, endpoint, accounting) = client(server, stream: false)
        defer { Task { await endpoint.shutdown() } }
        do {
            _ = try await retrying.complete(request("[400] 今天"))
            Issue.record("a 400 gave an answer")
        } catch {
            #expect("\(error)".contains("max_tokens is too large for this model"))
            #expect("\(error)".contains("HTTP 400"))
        }
        #expect(accounting.snapshot.requests == 1)
        #expect(server.received.count == 1)
    }

    @Test func budgetStopsRequests() async throws {
        let server = FaultServer()
        try await server.start()
        defer { server.stop() }
        let endpoint = EndpointClient(settings: EndpointSettings(url: server.baseURL, timeout: 5))
        defer { Task { await endpoint.shutdown() } }
        let accounting = RequestAccounting(budget: 2)
        let retrying = RetryingClient(endpoint: endpoint, policy: RetryPolicy(maxRetries: 5, baseDelay: 0.01), accounting: accounting)
        // Two 500s spend the budget before the answer would come.
        do {
            _ = try await retrying.complete(request("[500x2] budget"))
            Issue.record("answered past the budget")
        } catch let failure as RequestFailure {
            guard case .budgetSpent = failure else { Issue.record("wrong failure \(failure)"); return }
        }
        #expect(server.received.count == 2)
    }

    @Test func endpointURLForms() {
        #expect(EndpointSettings(url: "http://h:1/v1").chatCompletionsURL == "http://h:1/v1/chat/completions")
        #expect(EndpointSettings(url: "http://h:1/v1/").chatCompletionsURL == "http://h:1/v1/chat/completions")
        #expect(EndpointSettings(url: "http://h:1").chatCompletionsURL == "http://h:1/v1/chat/completions")
        #expect(EndpointSettings(url: "http://h:1/openai/v1/chat/completions").chatCompletionsURL == "http://h:1/openai/v1/chat/completions")
    }
}
