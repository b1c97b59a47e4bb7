import Foundation
import VernacularCore

/// Registers this library's pipeline stages.
public enum QualityStages {
    public static func register(in registry: inout StageRegistry) {
        registry.register("pii") { options in
            PIIStage(config: try options.decode(PIIConfig.self))
        }
        registry.register("quality") { options in
            let config = try options.decode(QualityStageConfig.self)
            let thresholds = try QualityThresholds.load(packPath: PackLocator.resolvedPath(config.pack))
            return QualityStage(filters: QualityFilters(thresholds: thresholds, skip: Set(config.skip)))
        }
        registry.register("decontaminate") { options in
            try DecontaminateStage(config: try options.decode(DecontaminateConfig.self))
        }
        registry.register("perplexity") { options in
            try PerplexityStage(config: try options.decode(PerplexityStageConfig.self))
        }
    }
}
