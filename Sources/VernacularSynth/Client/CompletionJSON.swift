import AsyncHTTPClient
import Foundation
import NIOCore

/// Reads the JSON of a (non-streamed) chat completion.
enum CompletionJSON {
    struct Body: Decodable {
        var model: String?
        var choices: [Choice]?
        var usage: Usage?
    }
    struct Choice: Decodable {
        var message: Message?
        var delta: Message?
        var finish_reason: String?
    }
    struct Message: Decodable {
        var role: String?
        var content: String?
    }
    struct Usage: Decodable {
        var prompt_tokens: Int?
        var completion_tokens: Int?
    }

    static func answer(from bytes: [UInt8]) throws(EndpointError) -> ChatAnswer {
        let body: Body
        do { body = try JSONDecoder().decode(Body.self, from: Data(bytes)) } catch {
            throw EndpointError.invalidResponse("not a chat completion (\(String(decoding: bytes.prefix(120), as: UTF8.self)))")
        }
        guard let choice = body.choices?.first, let content = choice.message?.content else {
            throw EndpointError.invalidResponse("no choices[0].message.content in the answer")
        }
        return ChatAnswer(content: content, finishReason: choice.finish_reason ?? "stop",
                          promptTokens: body.usage?.prompt_tokens ?? 0, completionTokens: body.usage?.completion_tokens ?? 0,
                          model: body.model)
    }
}

/// Reads a streamed chat completion (`data: {chunk}` events, then `data: [DONE]`). A stream that
/// ends before `[DONE]` was cut, and its partial text is not an answer.
enum EventStreamAnswer {
    static func read(_ body: HTTPClientResponse.Body) async throws -> ChatAnswer {
        var pending: [UInt8] = []
        var content = ""
        var finishReason: String?
        var usage: CompletionJSON.Usage?
        var model: String?
        var done = false
        var events = 0
        var opening: [UInt8] = []
        do {
            for try await chunk in body {
                pending += Array(buffer: chunk)
                if opening.count < 120 { opening += pending.prefix(120 - opening.count) }
                while let newline = pending.firstIndex(of: 0x0A) {
                    let line = String(decoding: pending[..<newline], as: UTF8.self).trimmingCharacters(in: .whitespaces)
                    pending.removeSubrange(...newline)
                    guard line.hasPrefix("data:") else { continue }
                    events += 1
                    let payload = line.dropFirst(5).trimmingCharacters(in: .whitespaces)
                    if payload == "[DONE]" { done = true; continue }
                    let event: CompletionJSON.Body
                    do { event = try JSONDecoder().decode(CompletionJSON.Body.self, from: Data(payload.utf8)) } catch {
                        throw EndpointError.invalidResponse("an event that is not a chat completion chunk: \(payload.prefix(120))")
                    }
                    model = model ?? event.model
                    if let eventUsage = event.usage { usage = eventUsage }
                    for choice in event.choices ?? [] {
                        content += choice.delta?.content ?? ""
                        if let reason = choice.finish_reason { finishReason = reason }
                    }
                }
            }
        } catch let error as EndpointError {
            throw error
        } catch {
            throw EndpointError.connection("the stream broke off: \(EndpointClient.describe(error))")
        }
        if events == 0 {
            throw EndpointError.invalidResponse("not an event stream (\(String(decoding: opening, as: UTF8.self)))")
        }
        guard done, let finishReason else {
            throw EndpointError.connection("the stream ended before data: [DONE]")
        }
        return ChatAnswer(content: content, finishReason: finishReason, promptTokens: usage?.prompt_tokens ?? 0,
                          completionTokens: usage?.completion_tokens ?? 0, model: model)
    }
}
