import VernacularCore
import VernacularLangID
import VernacularQuality
import VernacularText

/// Every stage a pipeline file can name, gathered from the libraries.
enum StageCatalog {
    static func registry() -> StageRegistry {
        var registry = StageRegistry()
        TextStages.register(in: &registry)
        LangIDStages.register(in: &registry)
        QualityStages.register(in: &registry)
        return registry
    }
}
