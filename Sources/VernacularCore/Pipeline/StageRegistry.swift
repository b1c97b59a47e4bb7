import Yams

/// The options of one stage entry, handed to the stage's factory.
public struct StageOptions {
    public let stageName: String
    public let node: Node?
    public let file: String

    /// Decodes the options into the stage's configuration type; absent options give its defaults
    /// (decoded from an empty mapping), unknown keys are an error naming key and line.
    public func decode<Config: Decodable & KnownKeys>(_ type: Config.Type) throws -> Config {
        let node = self.node ?? Node.mapping(Node.Mapping([]))
        if case .scalar(let scalar) = node, scalar.string.isEmpty || scalar.string == "~" {
            return try Config.decodeStrictly(from: Node.mapping(Node.Mapping([])), file: file, section: stageName)
        }
        return try Config.decodeStrictly(from: node, file: file, section: stageName)
    }
}

/// Maps stage names in pipeline files to constructors. Each library registers its own stages;
/// the core knows none of them.
public struct StageRegistry {
    public typealias Factory = (StageOptions) throws -> any Stage
    private var factories: [String: Factory] = [:]

    public init() {}

    public mutating func register(_ name: String, factory: @escaping Factory) {
        factories[name] = factory
    }

    public var names: [String] { factories.keys.sorted() }

    public func makeStages(for spec: PipelineSpec) throws -> [any Stage] {
        try spec.stages.map { stage in
            guard let factory = factories[stage.name] else {
                throw PipelineFileError(
                    file: spec.file, line: stage.line,
                    message: "unknown stage '\(stage.name)' (known stages: \(names.joined(separator: ", ")))")
            }
            return try factory(StageOptions(stageName: stage.name, node: stage.options, file: spec.file))
        }
    }
}
