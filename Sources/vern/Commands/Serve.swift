import ArgumentParser
import Foundation
import VernacularServe

extension Vern {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve a model over the OpenAI API (chat and text completions, streaming) with a chat page at /.",
            discussion: """
                Endpoints: POST /v1/chat/completions, POST /v1/completions, GET /v1/models, GET /health \
                (503 while the model loads), GET /metrics (Prometheus), GET / (the chat page). Up to --slots \
                requests decode together in one batched step; up to --max-queue more wait; past that the \
                answer is 429 with Retry-After. SIGTERM or SIGINT stops taking requests and lets those \
                running finish.
                """)

        @OptionGroup var model: ModelOptions

        @Option(help: "Address to listen on.") var host = "127.0.0.1"
        @Option(help: "Port to listen on (0: a free one, printed at start).") var port = 8080
        @Option(help: "Requests decoded together in one batched step.") var slots = 4
        @Option(help: "Requests that may wait for a slot before the server answers 429.") var maxQueue = 64
        @Option(help: "Tokens per request, prompt and completion together.") var context = 2048
        @Option(help: "Require 'Authorization: Bearer KEY' on /v1/* (default: $VERN_API_KEY, else none).")
        var apiKey: String?
        @Option(help: "Largest request body in bytes (413 past it).") var maxBodyBytes = 1 << 20
        @Option(help: "The model id /v1/models lists and requests name (default: from --model).") var modelId: String?
        @Option(help: ArgumentHelp("Append one JSON line per completion request received (time, endpoint, SHA-256 of the body).",
                                   valueName: "file"))
        var requestLog: String?

        func validate() throws {
            guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535") }
            guard slots >= 1 else { throw ValidationError("--slots must be at least 1") }
            guard maxQueue >= 0 else { throw ValidationError("--max-queue must be 0 or more") }
            guard context >= 16 else { throw ValidationError("--context must be at least 16") }
            guard maxBodyBytes >= 1024 else { throw ValidationError("--max-body-bytes must be at least 1024") }
        }

        func run() async throws {
            let configuration = ServeConfiguration(
                host: host, port: port, slots: slots, maxQueue: maxQueue, context: context,
                apiKey: apiKey ?? ProcessInfo.processInfo.environment["VERN_API_KEY"], maxBodyBytes: maxBodyBytes,
                modelID: modelId ?? Self.defaultModelID(model.model), requestLog: try requestLog.map(RequestLog.init(path:)))
            let metrics = ServeMetrics()
            let host = ModelHost()
            let options = model
            let loader = ModelLoadingService(host: host, load: {
                makeEngine(loaded: try options.load(), configuration: configuration, metrics: metrics)
            }, onReady: { engine in
                FileHandle.standardError.write(Data("vern serve: model '\(engine.modelID)' ready, \(configuration.slots) slots\n".utf8))
            })
            let app = buildApplication(configuration: configuration, host: host, metrics: metrics, services: [loader]) { port in
                FileHandle.standardError.write(Data("vern serve: listening on http://\(configuration.host):\(port)\n".utf8))
            }
            try await app.runService()
            // Every request has been answered and the scheduler has stopped. Leave without
            // tearing the model and the engine's static state down: one exit in about ten hit heap
            // corruption while MLX buffers were freed during process teardown.
            fflush(nil)
            _exit(0)
        }

        /// `smollm2` for an installed name, else the file or folder name without its extension.
        static func defaultModelID(_ model: String) -> String {
            if ModelOptions.installed[model.lowercased()] != nil { return model.lowercased() }
            let name = URL(fileURLWithPath: model).standardizedFileURL.lastPathComponent
            return name.hasSuffix(".gguf") ? String(name.dropLast(5)) : name
        }
    }
}
