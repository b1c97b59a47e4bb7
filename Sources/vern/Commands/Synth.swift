import ArgumentParser
import Foundation
import VernacularCore
import VernacularSynth

extension Vern {
    struct Synth: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate Cantonese data through an OpenAI-compatible endpoint, held to the corpus's checks.",
            discussion: """
                Every answer is cached under OUTPUT/cache/ by the SHA-256 of the exact request (model, \
                messages, sampling) before it counts, so a killed run started again sends only the \
                requests it has no answer to, and a finished job run again sends none. Outputs go \
                through the pack's langID and quality filters: kept ones to OUTPUT/documents/, rejected \
                ones to OUTPUT/rejected/ with meta.rejected {reason, detail}; both per shard, written \
                atomically with a marker in OUTPUT/markers/. OUTPUT/stats.json has the counts, tokens, \
                retries and cost; `vern report OUTPUT` shows them.
                """,
            subcommands: [Translate.self, Persona.self, Instruct.self])
    }
}

/// The options all three tasks share.
struct SynthOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The endpoint: a base URL as OpenAI clients take it (http://host:port/v1).", valueName: "url"))
    var endpoint: String

    @Option(help: ArgumentHelp("The model name sent in each request.", valueName: "name"))
    var model: String

    @Option(name: .shortAndLong, help: ArgumentHelp("The job folder (outputs, cache, stats.json).", valueName: "dir"))
    var output: String

    @Option(help: ArgumentHelp("A template file (default: the pack's for the task).", valueName: "file"))
    var template: String?

    @Option(help: "Tokens allowed per answer (default: the template's max_tokens).")
    var maxTokens: Int?

    @Option(help: "Requests in flight at once.")
    var concurrency = 8

    @Option(help: "Send at most this many requests (retries included) in this run; the rest wait for the next.")
    var maxRequests: Int?

    @Option(help: ArgumentHelp("The environment variable holding the API key (sent as a Bearer token).", valueName: "var"))
    var apiKeyEnv: String?

    @Option(help: "Seconds allowed for one request, answer included.")
    var timeout = 120.0

    @Option(help: "Retries of a request after a 429, 5xx, timeout or cut connection.")
    var maxRetries = 6

    @Option(help: "Seconds before the first retry; doubled for each further one, with jitter.")
    var retryDelay = 1.0

    @Flag(help: "Ask for streamed answers (Server-Sent Events).")
    var stream = false

    @Option(help: "Items per output shard.")
    var itemsPerShard = 100

    @Option(help: "Output compression: zstd, gzip or none.")
    var compression = "zstd"

    @Option(help: ArgumentHelp("Price in USD per million prompt tokens, for the cost estimate.", valueName: "usd"))
    var pricePrompt: Double?

    @Option(help: ArgumentHelp("Price in USD per million completion tokens.", valueName: "usd"))
    var priceCompletion: Double?

    @OptionGroup var pack: PackOptions
    @OptionGroup var outputOptions: OutputOptions

    func check() throws {
        if let maxTokens, maxTokens < 1 { throw ValidationError("--max-tokens must be at least 1") }
        if concurrency < 1 { throw ValidationError("--concurrency must be at least 1") }
        if let maxRequests, maxRequests < 0 { throw ValidationError("--max-requests must be 0 or more") }
        if timeout <= 0 { throw ValidationError("--timeout must be positive") }
        if maxRetries < 0 { throw ValidationError("--max-retries must be 0 or more") }
        if retryDelay < 0 { throw ValidationError("--retry-delay must be 0 or more") }
        if itemsPerShard < 1 { throw ValidationError("--items-per-shard must be at least 1") }
        guard URL(string: endpoint)?.scheme?.hasPrefix("http") == true else {
            throw ValidationError("--endpoint must be an http(s) URL, such as http://127.0.0.1:8080/v1")
        }
        if let apiKeyEnv, ProcessInfo.processInfo.environment[apiKeyEnv] == nil {
            throw ValidationError("--api-key-env \(apiKeyEnv): the variable is not set")
        }
    }

    func job(task: SynthTask, inputs: [String], topics: String? = nil, allKinds: Bool = false) throws -> SynthJob {
        try check()
        let compression: Compression = switch compression {
        case "zstd", "zst": .zstd
        case "gzip", "gz": .gzip
        case "none": .none
        default: throw ValidationError("--compression must be zstd, gzip or none")
        }
        let prices = (pricePrompt != nil || priceCompletion != nil)
            ? TokenPrices(promptPerMillion: pricePrompt ?? 0, completionPerMillion: priceCompletion ?? 0) : nil
        let key = apiKeyEnv.flatMap { ProcessInfo.processInfo.environment[$0] }
        return SynthJob(
            task: task, endpoint: EndpointSettings(url: endpoint, apiKey: key, timeout: timeout, stream: stream), model: model,
            inputs: try inputs.flatMap(Self.expand), topics: topics, allKinds: allKinds, templatePath: template,
            packPath: try pack.resolved().path, retry: RetryPolicy(maxRetries: maxRetries, baseDelay: retryDelay),
            maxRequests: maxRequests, maxTokens: maxTokens,
            run: SynthRunSettings(outputFolder: output, endpointDescription: endpoint, concurrency: concurrency,
                                  itemsPerShard: itemsPerShard, compression: compression, prices: prices,
                                  progress: outputOptions.quiet || outputOptions.json ? .quiet : .automatic))
    }

    /// Files, folders (their JSON Lines shards in name order) or globs, as the runner expands them.
    static func expand(_ path: String) throws -> [String] {
        // A file named as it is (a persona list is plain text) goes in whatever its name.
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue { return [path] }
        let files: [String]
        do { files = try ShardPlanner.expand([path]) } catch { throw ValidationError("--input \(path): \(error)") }
        let shards = files.filter { $0.hasSuffix(".jsonl") || $0.hasSuffix(".jsonl.zst") || $0.hasSuffix(".jsonl.gz") }.sorted()
        if shards.isEmpty { throw ValidationError("--input \(path): no .jsonl, .jsonl.zst or .jsonl.gz files") }
        return shards
    }

    /// Runs the job, prints the summary, and fails when items are left for another run.
    func execute(_ job: SynthJob) async throws {
        let stats = try await job.execute()
        if outputOptions.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(stats), as: UTF8.self))
        } else {
            let reasons = stats.rejected.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            print("synth \(stats.task): \(stats.items) items, \(stats.kept) kept, \(stats.rejected.values.reduce(0, +)) rejected"
                + (reasons.isEmpty ? "" : " (\(reasons))"))
            let run = stats.lastRun
            if run.requests == 0, run.cacheHits == 0, stats.isComplete {
                print("this run: nothing to ask, all \(stats.shards) shards were already finished (0 requests)")
                print("outputs: \(job.run.outputFolder)/documents, \(job.run.outputFolder)/rejected; stats: \(job.run.outputFolder)/stats.json")
                return
            }
            var line = "this run: \(run.requests) requests, \(run.retries) retries, \(run.cacheHits) cached, "
                + "\(run.promptTokens) prompt + \(run.completionTokens) completion tokens, " + String(format: "%.1f s", run.seconds)
            if let cost = run.estimatedCostUSD { line += String(format: ", about $%.4f", cost) }
            print(line)
            print("outputs: \(job.run.outputFolder)/documents, \(job.run.outputFolder)/rejected; stats: \(job.run.outputFolder)/stats.json")
        }
        if !stats.isComplete {
            for failure in stats.failures.prefix(5) { FileHandle.standardError.write(Data("  \(failure.id): \(failure.error)\n".utf8)) }
            throw ValidationError("\(stats.itemsUnfinished) items got no answer (\(stats.shards - stats.shardsFinished) shards unfinished); "
                + "run the same command again to ask only those (answers already received are cached)")
        }
    }
}

extension Vern.Synth {
    struct Translate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Translate documents (Standard Written Chinese or English) into Cantonese, line by line, keeping ids.")

        @Option(name: .shortAndLong, parsing: .upToNextOption,
                help: ArgumentHelp("JSON Lines document shards, or folders of them.", valueName: "path"))
        var input: [String]

        @OptionGroup var options: SynthOptions

        func run() async throws { try await options.execute(try options.job(task: .translate, inputs: input)) }
    }

    struct Persona: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write Cantonese texts as each persona would, on each topic (the kinds of text come from the template).")

        @Option(name: .shortAndLong, help: ArgumentHelp("Personas: one per line, or JSON Lines with a 'persona' field.", valueName: "file"))
        var input: String

        @Option(help: ArgumentHelp("Topics: one per line, or JSON Lines with a 'topic' field.", valueName: "file"))
        var topics: String

        @Flag(help: "Every kind of text for every persona and topic (default: one kind per pair, spread evenly).")
        var allKinds = false

        @OptionGroup var options: SynthOptions

        func run() async throws {
            try await options.execute(try options.job(task: .persona, inputs: [input], topics: topics, allKinds: allKinds))
        }
    }

    struct Instruct: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write Cantonese instruction and answer pairs from seed documents, as chat records for `vern train --mode sft`.")

        @Option(name: .shortAndLong, parsing: .upToNextOption,
                help: ArgumentHelp("Seed documents: JSON Lines shards, or folders of them.", valueName: "path"))
        var input: [String]

        @OptionGroup var options: SynthOptions

        func run() async throws { try await options.execute(try options.job(task: .instruct, inputs: input)) }
    }
}
