import Foundation
import VernacularCore
import Yams

/// The `lm:` section of a language pack: how perplexity buckets are cut.
public struct LMSettings: Sendable, Codable, Equatable, KnownKeys {
    /// Documents at or under this percentile of the reference perplexities are `head`. CCNet
    /// (Wenzek et al. 2020) cuts each language into three even parts.
    public var headPercentile: Double
    /// Documents above this percentile are `tail`; between the two, `middle`.
    public var tailPercentile: Double
    /// Drop documents above this perplexity; nil keeps all, since colloquial Cantonese often
    /// lands in the tail of a model trained on edited text and is exactly what we want.
    public var maxPerplexity: Double?

    public init(headPercentile: Double = 33.3, tailPercentile: Double = 66.7, maxPerplexity: Double? = nil) {
        self.headPercentile = headPercentile
        self.tailPercentile = tailPercentile
        self.maxPerplexity = maxPerplexity
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case headPercentile = "head_percentile", tailPercentile = "tail_percentile", maxPerplexity = "max_perplexity"
    }
    public static var knownKeys: [String] { CodingKeys.allCases.map(\.rawValue) }

    public init(from decoder: any Decoder) throws {
        let d = LMSettings()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        headPercentile = try c.decodeIfPresent(Double.self, forKey: .headPercentile) ?? d.headPercentile
        tailPercentile = try c.decodeIfPresent(Double.self, forKey: .tailPercentile) ?? d.tailPercentile
        maxPerplexity = try c.decodeIfPresent(Double.self, forKey: .maxPerplexity)
        guard 0 <= headPercentile, headPercentile <= tailPercentile, tailPercentile <= 100 else {
            throw DecodingError.dataCorruptedError(forKey: .tailPercentile, in: c,
                                                   debugDescription: "need 0 <= head_percentile <= tail_percentile <= 100")
        }
    }

    /// Reads the `lm:` section of a pack; a pack without one gives the defaults.
    public static func load(packPath path: String) throws -> LMSettings {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw IOError(path: path, message: "cannot read language pack: \(error.localizedDescription)")
        }
        guard let root = try Yams.compose(yaml: text), let section = root["lm"] else { return LMSettings() }
        return try decodeStrictly(from: section, file: path, section: "lm")
    }
}

/// Perplexities that separate head, middle and tail, measured on reference documents (the
/// model's training documents, as CCNet measured on a sample of each language).
public struct PerplexityCutoffs: Sendable, Codable, Equatable {
    public var headMaxPerplexity: Double
    public var tailMinPerplexity: Double
    public var headPercentile: Double
    public var tailPercentile: Double
    public var documents: Int

    enum CodingKeys: String, CodingKey {
        case headMaxPerplexity = "head_max_perplexity", tailMinPerplexity = "tail_min_perplexity"
        case headPercentile = "head_percentile", tailPercentile = "tail_percentile", documents
    }

    /// Percentiles by the nearest-rank method over the finite perplexities; nil when none.
    public static func compute(perplexities: [Double], settings: LMSettings) -> PerplexityCutoffs? {
        let sorted = perplexities.filter(\.isFinite).sorted()
        guard !sorted.isEmpty else { return nil }
        func at(_ p: Double) -> Double {
            let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
            return sorted[min(max(rank, 1), sorted.count) - 1]
        }
        return PerplexityCutoffs(headMaxPerplexity: at(settings.headPercentile), tailMinPerplexity: at(settings.tailPercentile),
                                 headPercentile: settings.headPercentile, tailPercentile: settings.tailPercentile,
                                 documents: sorted.count)
    }

    /// Where `vern lm train` writes the cutoffs of a model: beside it.
    public static func path(forModel model: String) -> String { model + ".cutoffs.json" }

    public static func read(path: String) throws -> PerplexityCutoffs {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IOError(path: path, message: "no perplexity cutoffs (written by 'vern lm train' beside the model)")
        }
        do { return try JSONDecoder().decode(PerplexityCutoffs.self, from: data) } catch {
            throw IOError(path: path, message: "bad perplexity cutoffs: \(error)")
        }
    }

    public func write(path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do { try encoder.encode(self).write(to: URL(fileURLWithPath: path)) } catch {
            throw IOError(path: path, message: "cannot write: \(error.localizedDescription)")
        }
    }

    /// The CCNet bucket of a perplexity.
    public func bucket(_ perplexity: Double) -> String {
        perplexity <= headMaxPerplexity ? "head" : perplexity > tailMinPerplexity ? "tail" : "middle"
    }
}

/// Options of the `perplexity` stage.
public struct PerplexityStageConfig: Sendable, Codable, Equatable, KnownKeys {
    /// The ARPA model; its cutoffs are read from MODEL.cutoffs.json.
    public var model: String
    /// The language pack whose `lm:` section may set max_perplexity.
    public var pack: String

    public init(model: String, pack: String = "langs/yue.yaml") {
        self.model = model
        self.pack = pack
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case model, pack }
    public static var knownKeys: [String] { CodingKeys.allCases.map(\.rawValue) }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        model = try c.decode(String.self, forKey: .model)
        pack = try c.decodeIfPresent(String.self, forKey: .pack) ?? "langs/yue.yaml"
    }
}

/// Adds `meta.lm_perplexity` and `meta.lm_bucket` (head, middle, tail) from a character n-gram
/// model; drops only above the pack's `max_perplexity`, if it sets one.
public struct PerplexityStage: Stage {
    public let name = "perplexity"
    public let model: ARPAModel
    public let cutoffs: PerplexityCutoffs
    public let maxPerplexity: Double?

    public init(model: ARPAModel, cutoffs: PerplexityCutoffs, maxPerplexity: Double? = nil) {
        self.model = model
        self.cutoffs = cutoffs
        self.maxPerplexity = maxPerplexity
    }

    public init(config: PerplexityStageConfig) throws {
        let settings = try LMSettings.load(packPath: PackLocator.resolvedPath(config.pack))
        self.init(model: try ARPAModel.read(path: config.model),
                  cutoffs: try PerplexityCutoffs.read(path: PerplexityCutoffs.path(forModel: config.model)),
                  maxPerplexity: settings.maxPerplexity)
    }

    public func process(_ document: inout Document, counters: inout StageCounters) throws -> Verdict {
        let score = model.score(document.text)
        guard score.tokens > 0 else { return .drop(DropReason("lm_empty")) }
        let perplexity = score.perplexity
        let bucket = cutoffs.bucket(perplexity)
        counters.add("lm_\(bucket)")
        document.meta["lm_perplexity"] = JSONValue((perplexity * 10).rounded() / 10)
        document.meta["lm_bucket"] = .string(bucket)
        if let maxPerplexity, perplexity > maxPerplexity {
            return .drop(DropReason("lm_too_perplexing", detail: String(format: "%.1f > %.1f", perplexity, maxPerplexity)))
        }
        return .keep
    }
}
