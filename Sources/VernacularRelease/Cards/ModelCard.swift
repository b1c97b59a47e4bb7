import Foundation
import VernacularCore
import VernacularEval
import VernacularTrain

/// The YAML front matter of a model card, in the fields and spelling the Hub reads.
struct ModelCardMetadata: Encodable {
    struct Result: Encodable {
        struct Task: Encodable { var type: String }
        struct Dataset: Encodable { var name: String; var type: String }
        struct Metric: Encodable { var type: String; var value: Double; var name: String }
        var task: Task
        var dataset: Dataset
        var metrics: [Metric]
    }
    struct Evaluated: Encodable {
        var name: String
        var results: [Result]
    }

    var license: String
    var license_link: String?
    var base_model: String?
    var base_model_relation: String?
    var language: [String]
    var library_name: String
    var pipeline_tag: String
    var tags: [String]
    var datasets: [String]?
    var model_index: [Evaluated]?

    enum CodingKeys: String, CodingKey {
        case license, license_link, base_model, base_model_relation, language, library_name, pipeline_tag, tags, datasets
        case model_index = "model-index"
    }
}

/// Renders README.md for a released model from run.json, metrics.jsonl, new_tokens.json,
/// fertility.json and results.json.
public enum ModelCard {
    public static func render(_ facts: ModelFacts) throws -> String {
        var card = try Markdown.frontMatter(metadata(facts))
        card += "\n# \(facts.options.name)\n\n" + summary(facts) + "\n"
        card += "## Files\n\n" + files(facts) + "\n"
        card += "## Base model\n\n" + baseModel(facts) + "\n"
        card += "## Tokenizer\n\n" + tokenizer(facts) + "\n"
        card += "## Training data\n\n" + trainingData(facts) + "\n"
        card += "## Training settings\n\n" + settings(facts) + "\n"
        card += "## Training curve\n\n" + curve(facts) + "\n"
        card += "## Evaluation\n\n" + evaluation(facts) + "\n"
        card += "## Intended use and limitations\n\n" + limitations(facts)
        return card
    }

    /// The evaluated model that is this release: the one `vern eval --model` named by the
    /// source folder or the run folder.
    static func ownResults(_ facts: ModelFacts) -> [TaskResult] {
        guard let eval = facts.eval else { return [] }
        let own = Set([facts.options.sourceFolder, facts.trainRun].compactMap { $0 }.map(standardised))
        return eval.tasks.filter { own.contains(standardised($0.model)) }
    }

    static func standardised(_ path: String) -> String { (path as NSString).standardizingPath }

    /// Figures of `vern eval` that count what was scored rather than score it: in the table, not in model-index.
    static let countNames: Set<String> = ["chars", "tokens", "bytes", "items"]

    static func metadata(_ facts: ModelFacts) -> ModelCardMetadata {
        let results = ownResults(facts).map { task in
            ModelCardMetadata.Result(task: .init(type: "text-generation"), dataset: .init(name: task.task, type: task.task),
                                     metrics: task.metrics.filter { !countNames.contains($0.key) }.sorted { $0.key < $1.key }
                                         .map { .init(type: $0.key, value: $0.value, name: $0.key) })
        }
        var datasets: [String]?
        if case .hub(let id)? = facts.dataset { datasets = [id] }
        return ModelCardMetadata(
            license: facts.licence, license_link: facts.base?.licenceLink, base_model: facts.base?.hubID,
            base_model_relation: facts.base == nil ? nil : "finetune", language: [facts.options.language],
            library_name: "transformers", pipeline_tag: "text-generation",
            tags: ["vernacular", "cantonese", facts.manifest.architecture, facts.manifest.options.lora == nil ? "full-fine-tune" : "lora-merged"],
            datasets: datasets, model_index: results.isEmpty ? nil : [.init(name: facts.options.name, results: results)])
    }

    static func summary(_ facts: ModelFacts) -> String {
        let options = facts.manifest.options
        let method = options.lora.map { "LoRA (rank \($0.rank), alpha \(Markdown.decimal(Double($0.alpha), places: 0))) merged into the weights" }
            ?? "full fine-tuning"
        var text = "\(facts.base?.hubID ?? facts.manifest.baseModel) trained further by `vern train` "
        text += "(\(options.mode == .pretrain ? "continued pretraining" : "supervised fine-tuning"), \(method)"
        text += options.trainEmbeddings ? ", embeddings trained" : ""
        text += "). The folder loads as a \(facts.manifest.architecture) model in transformers (`AutoModelForCausalLM.from_pretrained`), "
        text += "mlx-lm and `vern generate --model`. Written by `vern release model` (\(facts.options.version.label)).\n"
        return text
    }

    static func files(_ facts: ModelFacts) -> String {
        let meaning: [String: String] = [
            "config.json": "architecture and shapes (transformers' LlamaForCausalLM config)",
            "model.safetensors": "the weights, float32, adapters merged",
            "tokenizer.json": "the tokenizer\(facts.tokenizerExtension == nil ? "" : ", with the added Cantonese tokens")",
            "tokenizer_config.json": "special tokens and chat template",
            "generation_config.json": "BOS and EOS ids for generation",
        ]
        return Markdown.table(["file", "what it holds"], facts.files.map { file in
            [file, meaning[file] ?? (file.hasSuffix(".gguf") ? "the same model as one GGUF file (llama.cpp, `vern generate`)" : "")]
        })
    }

    static func baseModel(_ facts: ModelFacts) -> String {
        guard let base = facts.base else {
            return "`\(facts.manifest.baseModel)` (\(facts.manifest.baseModelPath)), a base model vern has no record of; its licence was given as \(facts.licence).\n"
        }
        var text = "[\(base.hubID)](https://huggingface.co/\(base.hubID)), licence \(base.licence)"
        text += base.licenceLink.map { " ([terms](\($0)))" } ?? ""
        text += ", read from `\(facts.manifest.baseModelPath)`. The release keeps the base model's licence: it is a derivative of it.\n"
        return text
    }

    static func tokenizer(_ facts: ModelFacts) -> String {
        var text: String
        if let extended = facts.tokenizerExtension {
            let added = extended.vocabularySize - extended.baseVocabularySize
            text = "The base tokenizer extended by `vern tokenizer extend` with \(Markdown.count(added)) tokens learnt on the training corpus "
            text += "(vocabulary \(Markdown.count(extended.baseVocabularySize)) to \(Markdown.count(extended.vocabularySize)); original ids unchanged). "
            let words = extended.tokens.filter { $0.count > 1 && !$0.contains("\u{FFFD}") }.prefix(20)
            text += words.isEmpty ? "\n" : "The first words added: \(words.joined(separator: " ")).\n"
        } else {
            text = "The base model's tokenizer, unchanged.\n"
        }
        guard !facts.fertility.isEmpty else { return text }
        text += "\nTokens per character on held-out text (from `vern tokenizer stats`; fewer is better):\n\n"
        let tokenizers = facts.fertility.map(\.tokenizer).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let sets = facts.fertility.map(\.set).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        text += Markdown.table(["text set", "characters"] + tokenizers, sets.map { set in
            let rows = facts.fertility.filter { $0.set == set }
            return [set, Markdown.count(rows.first?.characters ?? 0)] + tokenizers.map { name in
                rows.first { $0.tokenizer == name }.map { Markdown.decimal($0.tokensPerCharacter) } ?? "-"
            }
        })
        return text
    }

    static func trainingData(_ facts: ModelFacts) -> String {
        var text = ""
        switch facts.dataset {
        case .folder(let path, let name, let documents)?:
            text += "The dataset released from the same run: \(name.map { "**\($0)**" } ?? "`\(path)`")"
            text += documents.map { ", \(Markdown.count($0)) documents" } ?? ""
            text += " (its card: `\(path)/README.md`, with sources, licences and the pipeline).\n\n"
        case .hub(let id)?:
            text += "The dataset [\(id)](https://huggingface.co/datasets/\(id)) (its card lists sources, licences and the pipeline).\n\n"
        case nil:
            break
        }
        text += "Training files: " + facts.manifest.data.map { "`\($0)`" }.joined(separator: ", ")
        text += " (token fingerprint \(facts.manifest.dataFingerprint)).\n"
        if !facts.manifest.replay.isEmpty {
            text += "Replay data (\(Markdown.decimal(Double(facts.manifest.options.replayRatio), places: 2)) of each batch): "
            text += facts.manifest.replay.map { "`\($0)`" }.joined(separator: ", ") + ".\n"
        }
        if !facts.manifest.evalData.isEmpty {
            text += "Held-out evaluation during training: " + facts.manifest.evalData.map { "`\($0)`" }.joined(separator: ", ") + ".\n"
        }
        return text
    }

    static func settings(_ facts: ModelFacts) -> String {
        let o = facts.manifest.options
        var rows: [[String]] = [
            ["mode", o.mode.rawValue], ["sequence length", String(o.sequenceLength)], ["batch size", String(o.batchSize)],
            ["gradient accumulation", String(o.gradientAccumulation)], ["peak learning rate", "\(o.learningRate)"],
            ["schedule", "linear warm-up (\(o.warmupSteps.map(String.init) ?? "5% of the run")), cosine to \(o.minimumLearningRateRatio) of the peak"],
            ["optimizer", "AdamW (β1 \(o.beta1), β2 \(o.beta2), ε \(o.epsilon)), weight decay \(o.weightDecay)"],
            ["gradient clip", "\(o.gradientClip)"], ["budget", [o.maxSteps.map { "\($0) steps" }, o.maxMinutes.map { "\($0) minutes" }].compactMap { $0 }.joined(separator: ", ")],
            ["embeddings trained", o.trainEmbeddings ? "yes" : "no"], ["seed", String(o.seed)],
            ["vocabulary", Markdown.count(facts.manifest.vocabularySize)],
        ]
        if let lora = o.lora {
            rows.append(["LoRA", "rank \(lora.rank), alpha \(lora.alpha), dropout \(lora.dropout), on \(lora.targets.joined(separator: ", "))"])
        }
        return Markdown.table(["setting", "value"], rows) + "\nAll of them are in `run.json` of the run (the workflow release carries it).\n"
    }

    static func curve(_ facts: ModelFacts) -> String {
        guard let curve = facts.curve else { return "No steps were logged (metrics.jsonl is missing or empty).\n" }
        var text = "\(Markdown.count(curve.steps)) steps, \(Markdown.count(curve.tokens)) tokens, "
        text += "\(Markdown.decimal(curve.seconds / 60, places: 1)) minutes. Training loss (mean over a tenth of the run around each point):\n\n"
        text += Markdown.table(["step", "loss"], curve.points.map { [String($0.step), Markdown.decimal($0.loss)] })
        text += "\nLowest step loss: \(Markdown.decimal(curve.lowestLoss)).\n"
        if let only = curve.lastEval, curve.firstEval?.step == only.step {
            text += "Held-out loss at step \(only.step): \(Markdown.decimal(only.evalLoss ?? 0))"
            text += only.evalBitsPerChar.map { " (\(Markdown.decimal($0)) bits per character)" } ?? ""
            text += ".\n"
        } else if let first = curve.firstEval, let last = curve.lastEval {
            text += "Held-out loss: \(Markdown.decimal(first.evalLoss ?? 0)) at step \(first.step), \(Markdown.decimal(last.evalLoss ?? 0)) at step \(last.step)"
            if let before = first.evalBitsPerChar, let after = last.evalBitsPerChar {
                text += " (bits per character \(Markdown.decimal(before)) to \(Markdown.decimal(after)))"
            }
            text += ".\n"
        }
        return text
    }

    static func evaluation(_ facts: ModelFacts) -> String {
        guard let eval = facts.eval else {
            return "Not evaluated in this release: run `vern eval` and release with `--eval EVAL_DIR` to add the table.\n"
        }
        var rows: [[String]] = []
        for task in eval.tasks {
            for (metric, value) in task.metrics.sorted(by: { $0.key < $1.key }) {
                rows.append([task.task, task.model, metric, Markdown.decimal(value, places: 4), Markdown.count(task.items), "\(task.shots)", task.method])
            }
        }
        var text = "From `vern eval` (vern \(eval.version), \(eval.created)); every figure is in results.json of the evaluation.\n\n"
        text += Markdown.table(["task", "model", "metric", "value", "items", "shots", "method"], rows)
        if facts.tokenizerExtension != nil {
            text += "\nThe tokenizer was extended, so token perplexity is per a different token: compare models by bits per character.\n"
        }
        return text
    }

    static func limitations(_ facts: ModelFacts) -> String {
        var lines = [
            "A small model trained briefly on a small Cantonese corpus: for research on low-resource language adaptation and for testing tools, not for answers anyone relies on.",
            "It continues text; it was not trained to follow instructions or to refuse harmful requests beyond what the base model does.",
            "It inherits the base model's biases and errors, and the corpus's: conversational Hong Kong Cantonese, Traditional script.",
        ]
        if facts.eval == nil { lines.append("No benchmark figures are given here: judge it on your own tasks.") }
        return lines.map { "- \($0)\n" }.joined()
    }
}
