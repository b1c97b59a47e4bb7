import Foundation
import Testing
@testable import VernacularServe

struct ServerSentEventsTests {
    @Test func anEventIsOneDataLineAndABlankLine() {
        let event = ServerSentEvents.event(Data(#"{"a":"廣東話"}"#.utf8))
        #expect(String(decoding: event, as: UTF8.self) == "data: {\"a\":\"廣東話\"}\n\n")
        #expect(String(decoding: ServerSentEvents.done, as: UTF8.self) == "data: [DONE]\n\n")
    }

    @Test func textWithNewlinesBecomesSeveralDataLinesAndReadsBack() {
        let event = String(decoding: ServerSentEvents.event(text: "一\n\ntwo"), as: UTF8.self)
        #expect(event == "data: 一\ndata: \ndata: two\n\n")
        #expect(ServerSentEvents.payloads(in: event + String(decoding: ServerSentEvents.done, as: UTF8.self)) == ["一\n\ntwo", "[DONE]"])
    }

    @Test func chunksAreCompactJSONWithNullsOpenAISends() throws {
        let wire = CompletionWire(id: "chatcmpl-x", model: "m", created: 7)
        let first = try #require(JSONSerialization.jsonObject(with: CompletionWire.encode(
            wire.chatChunk(role: "assistant", content: ""))) as? [String: Any])
        let choice = try #require((first["choices"] as? [[String: Any]])?.first)
        #expect(first["object"] as? String == "chat.completion.chunk")
        #expect(choice["finish_reason"] is NSNull)
        #expect((choice["delta"] as? [String: String]) == ["role": "assistant", "content": ""])
        let encoded = String(decoding: CompletionWire.encode(wire.chatChunk(content: "早晨 / hi")), as: UTF8.self)
        #expect(!encoded.contains("\n") && encoded.contains("早晨 / hi"), "raw UTF-8, no escaped slash, one line: \(encoded)")
        let usage = try #require(JSONSerialization.jsonObject(with: CompletionWire.encode(
            wire.chatUsageChunk(Usage(promptTokens: 3, completionTokens: 4)))) as? [String: Any])
        #expect((usage["choices"] as? [Any])?.isEmpty == true)
        #expect((usage["usage"] as? [String: Int]) == ["prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7])
    }
}
