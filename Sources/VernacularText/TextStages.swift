import VernacularCore

/// Registers this library's pipeline stages.
public enum TextStages {
    public static func register(in registry: inout StageRegistry) {
        registry.register("normalize") { options in
            try NormalizeStage(config: try options.decode(NormalizeConfig.self))
        }
    }
}
