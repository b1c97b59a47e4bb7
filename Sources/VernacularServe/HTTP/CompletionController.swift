import Foundation
import Hummingbird
import NIOCore
import VernacularModels

/// `/v1/chat/completions` and `/v1/completions`: validate, render the prompt, submit, and answer
/// as one JSON object or as an SSE stream of chunks.
struct CompletionController: Sendable {
    let host: ModelHost
    let configuration: ServeConfiguration
    let metrics: ServeMetrics

    func addRoutes(to router: Router<ServeRequestContext>) {
        router.post("/v1/chat/completions") { request, context in try await chat(request, context) }
        router.post("/v1/completions") { request, context in try await text(request, context) }
    }

    /// What both endpoints share once the body is decoded.
    private struct Prepared {
        let engine: any CompletionEngine
        let generation: GenerationRequest
        let options: CompletionOptions
        let wire: CompletionWire
        let arrival: DispatchTime
    }

    private func chat(_ request: Request, _ context: ServeRequestContext) async throws -> Response {
        let arrival = DispatchTime.now()
        let body = try await readBody(request)
        configuration.requestLog?.record(endpoint: "/v1/chat/completions", body: body)
        let decoded = try JSONDecoder.decodeRequest(ChatCompletionRequest.self, from: body)
        let engine = try host.requireEngine()
        let prompt = engine.promptTokens(chat: try decoded.chatMessages())
        let prepared = try prepare(engine, prompt: prompt, options: decoded.options, prefix: "chatcmpl", arrival: arrival)
        return try await respond(prepared, channel: context.channel, chat: true)
    }

    private func text(_ request: Request, _ context: ServeRequestContext) async throws -> Response {
        let arrival = DispatchTime.now()
        let body = try await readBody(request)
        configuration.requestLog?.record(endpoint: "/v1/completions", body: body)
        let decoded = try JSONDecoder.decodeRequest(TextCompletionRequest.self, from: body)
        let engine = try host.requireEngine()
        let prepared = try prepare(engine, prompt: engine.promptTokens(text: decoded.prompt), options: decoded.options,
                                   prefix: "cmpl", arrival: arrival)
        return try await respond(prepared, channel: context.channel, chat: false)
    }

    /// The body, up to the configured limit (413 past it).
    private func readBody(_ request: Request) async throws -> Data {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > configuration.maxBodyBytes {
            throw OpenAIError.bodyTooLarge(limit: configuration.maxBodyBytes)
        }
        do {
            return Data(buffer: try await request.body.collect(upTo: configuration.maxBodyBytes))
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw OpenAIError.bodyTooLarge(limit: configuration.maxBodyBytes)
        }
    }

    private func prepare(_ engine: any CompletionEngine, prompt: [Int], options: CompletionOptions, prefix: String,
                         arrival: DispatchTime) throws -> Prepared {
        try options.validate()
        if let model = options.model, !model.isEmpty, model.lowercased() != engine.modelID.lowercased() {
            throw OpenAIError.modelNotFound(model, served: engine.modelID)
        }
        let context = configuration.context
        guard !prompt.isEmpty else { throw OpenAIError.invalidRequest("The prompt is empty.", param: "prompt") }
        let maxTokens: Int
        if let requested = options.requestedMaxTokens {
            guard prompt.count + requested <= context else {
                throw OpenAIError.invalidRequest(
                    "This model's context is \(context) tokens, but the prompt has \(prompt.count) tokens and max_tokens asks for \(requested) more (\(prompt.count + requested) in all).",
                    param: options.maxCompletionTokens != nil ? "max_completion_tokens" : "max_tokens",
                    code: "context_length_exceeded")
            }
            maxTokens = requested
        } else {
            guard prompt.count < context else {
                throw OpenAIError.invalidRequest(
                    "This model's context is \(context) tokens, but the prompt has \(prompt.count) tokens, leaving none to generate.",
                    param: "messages", code: "context_length_exceeded")
            }
            maxTokens = context - prompt.count
        }
        return Prepared(engine: engine,
                        generation: GenerationRequest(prompt: prompt, maxTokens: maxTokens, sampling: options.sampling,
                                                      stop: options.stop?.values ?? [], ignoreEOS: options.ignoreEOS ?? false),
                        options: options,
                        wire: CompletionWire(id: CompletionWire.newID(prefix: prefix), model: engine.modelID),
                        arrival: arrival)
    }

    private func respond(_ prepared: Prepared, channel: any Channel, chat: Bool) async throws -> Response {
        let stream = try prepared.engine.submit(prepared.generation)
        if prepared.options.stream == true { return streamed(prepared, stream, channel: channel, chat: chat) }
        defer { metrics.recordDuration(seconds(since: prepared.arrival)) }
        var content = ""
        var summary: GenerationSummary?
        do {
            for try await event in stream {
                switch event {
                case .text(let piece): content += piece
                case .finished(let end): summary = end
                }
            }
        } catch {
            stream.cancel()
            throw error
        }
        guard let summary else { throw OpenAIError.internalError("generation ended without a result") }
        let usage = Usage(promptTokens: summary.promptTokens, completionTokens: summary.completionTokens)
        let reason = summary.finishReason == .length ? "length" : "stop"
        let object = chat
            ? prepared.wire.chatCompletion(content: content, finishReason: reason, usage: usage)
            : prepared.wire.textCompletion(text: content, finishReason: reason, usage: usage)
        return Response(status: .ok, headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: CompletionWire.encode(object))))
    }

    /// The SSE answer. A client that goes away (its connection closes, or a write fails) cancels
    /// the generation, which the scheduler sees before its next token.
    private func streamed(_ prepared: Prepared, _ stream: GenerationStream, channel: any Channel, chat: Bool) -> Response {
        let wire = prepared.wire
        let includeUsage = prepared.options.streamOptions?.includeUsage == true
        let metrics = self.metrics
        let arrival = prepared.arrival
        let headers: HTTPFields = [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-cache"]
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            defer {
                stream.cancel()
                metrics.recordDuration(seconds(since: arrival))
            }
            func send(_ object: [String: Any]) async throws {
                try await writer.write(ByteBuffer(bytes: ServerSentEvents.event(CompletionWire.encode(object))))
            }
            // The connection closing (the client went away) cancels at once, even while nothing
            // is being written (a long prompt, text held back); a failed write does too.
            channel.closeFuture.whenComplete { _ in stream.cancel() }
            let completed: Bool = await {
                do {
                    if chat { try await send(wire.chatChunk(role: "assistant", content: "", includeUsageField: includeUsage)) }
                    do {
                        for try await event in stream {
                            switch event {
                            case .text(let piece):
                                try await send(chat ? wire.chatChunk(content: piece, includeUsageField: includeUsage)
                                                    : wire.textChunk(text: piece, includeUsageField: includeUsage))
                            case .finished(let summary):
                                guard summary.finishReason != .cancelled else { return false }
                                let reason = summary.finishReason == .length ? "length" : "stop"
                                try await send(chat ? wire.chatChunk(finishReason: reason, includeUsageField: includeUsage)
                                                    : wire.textChunk(text: "", finishReason: reason, includeUsageField: includeUsage))
                                if includeUsage {
                                    let usage = Usage(promptTokens: summary.promptTokens, completionTokens: summary.completionTokens)
                                    try await send(chat ? wire.chatUsageChunk(usage) : wire.textUsageChunk(usage))
                                }
                            }
                        }
                    } catch let error as OpenAIError {
                        // Headers are gone: OpenAI reports a failure mid-stream as an error event.
                        try await writer.write(ByteBuffer(bytes: ServerSentEvents.event(error.body)))
                    }
                    try await writer.write(ByteBuffer(bytes: ServerSentEvents.done))
                    return true
                } catch {
                    stream.cancel()
                    return false
                }
            }()
            if completed { try await writer.finish(nil) } else { try? await writer.finish(nil) }
        })
    }
}

func seconds(since start: DispatchTime) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
}
