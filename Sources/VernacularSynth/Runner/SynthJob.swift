import Foundation
import VernacularCore
import VernacularLangID
import VernacularQuality

/// Everything a `vern synth` invocation decides, gathered so the command only parses flags.
public struct SynthJob: Sendable {
    public var task: SynthTask
    public var endpoint: EndpointSettings
    public var model: String
    /// translate and instruct: document shards; persona: the persona file.
    public var inputs: [String]
    /// persona: the topic file.
    public var topics: String?
    public var allKinds: Bool
    /// nil: the pack's default for the task.
    public var templatePath: String?
    public var packPath: String
    public var retry: RetryPolicy
    public var maxRequests: Int?
    /// Overrides the template's `max_tokens`.
    public var maxTokens: Int?
    public var run: SynthRunSettings

    public init(task: SynthTask, endpoint: EndpointSettings, model: String, inputs: [String], topics: String? = nil,
                allKinds: Bool = false, templatePath: String? = nil, packPath: String, retry: RetryPolicy = RetryPolicy(),
                maxRequests: Int? = nil, maxTokens: Int? = nil, run: SynthRunSettings) {
        self.task = task
        self.endpoint = endpoint
        self.model = model
        self.inputs = inputs
        self.topics = topics
        self.allKinds = allKinds
        self.templatePath = templatePath
        self.packPath = packPath
        self.retry = retry
        self.maxRequests = maxRequests
        self.maxTokens = maxTokens
        self.run = run
    }

    /// Loads the template and checks, builds the items, and runs them against the endpoint.
    public func execute() async throws -> SynthStats {
        let pack = try LanguagePack.load(from: URL(fileURLWithPath: packPath))
        let settings = try SynthPackSettings.load(packPath: packPath)
        guard let path = templatePath ?? settings.templates[task] else { throw SynthError.noTemplate(task: task, pack: packPath) }
        var template = try SynthTemplate.load(path: path)
        if let maxTokens { template.sampling.maxTokens = maxTokens }
        guard template.task == task else {
            throw SynthError.badTemplate(path: path, reason: "a \(template.task.rawValue) template, not one for \(task.rawValue)")
        }
        let classifier = try pack.makeClassifier()
        let modelHash = SHA256.hex(try readWholeFile(pack.modelURL.path))
        let checker = OutputChecker(classifier: classifier, languageModelHash: modelHash,
                                    thresholds: try QualityThresholds.load(packPath: packPath), settings: settings)
        let factory = RequestFactory(model: model, template: template)
        let items: [SynthItem]
        switch task {
        case .translate: items = try ItemBuilders.translation(inputs: inputs, factory: factory, classifier: classifier)
        case .instruct: items = try ItemBuilders.instruct(inputs: inputs, factory: factory)
        case .persona:
            guard let personas = inputs.first, let topics else {
                throw SynthError.badInput(path: inputs.first ?? "-", line: nil, reason: "persona needs --input PERSONAS and --topics TOPICS")
            }
            items = try ItemBuilders.persona(personaFile: personas, topicFile: topics, factory: factory, allKinds: allKinds)
        }
        let duplicates = Dictionary(grouping: items, by: \.id).filter { $0.value.count > 1 }
        if let (id, _) = duplicates.first {
            throw SynthError.badInput(path: inputs.joined(separator: ", "), line: nil,
                                      reason: "the id '\(id)' is used by \(duplicates[id]!.count) inputs: outputs keep ids, so they must be unique")
        }
        let client = EndpointClient(settings: endpoint)
        let accounting = RequestAccounting(budget: maxRequests)
        let answers = AnswerSource(cache: try ResponseCache(folder: run.outputFolder + "/cache"),
                                   client: RetryingClient(endpoint: client, policy: retry, accounting: accounting))
        let runner = SynthRunner(settings: run, assembler: ItemAssembler(task: task, template: template, checker: checker),
                                 answers: answers, accounting: accounting)
        do {
            let stats = try await runner.run(items: items, model: model)
            await client.shutdown()
            return stats
        } catch {
            await client.shutdown()
            throw error
        }
    }
}
