import Foundation
import Testing
import VernacularEngine
import VernacularModels
import VernacularPack
import VernacularWeights
@testable import VernacularTrain

@Suite(.serialized, .enabled(if: InstalledSmolLM2.available, "run make bootstrap to install SmolLM2 (its tokenizer)"))
struct ExportTests {
    /// A model laid out as a GGUF is (Q/K permuted, interleaved RoPE), with trained adapters,
    /// exported to a Hugging Face folder and loaded back as one (rotate-half RoPE): the same logits.
    @Test func exportedFolderGivesTheSameLogits() throws {
        let (tokenizer, json) = try TokenizerFile.loadWithJSON(path: InstalledSmolLM2.path)
        let shape = TinyModel.shape(vocabulary: tokenizer.vocabularySize, ropeTraditional: true)
        let recipe = ModelRecipe(architecture: "llama", shape: .llama(shape))
        var options = TrainingOptions()
        options.lora = LoRAOptions(rank: 4)
        let model = try TrainableModel(recipe: recipe, parameters: TinyModel.parameters(configuration: shape), options: options)
        model.trainable = try model.trainable.enumerated().map { index, array in
            model.trainableNames[index].hasSuffix("lora_b") ? try randomNormal(array.shape, seed: UInt64(index)) * 0.1 : array
        }
        let folder = try TinyModel.scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try HuggingFaceExport.write(weights: model.mergedWeights(), recipe: recipe, tokenizer: tokenizer, tokenizerJSON: json,
                                    chatTemplate: .chatML, to: folder + "/hf")
        for file in ["config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "generation_config.json"] {
            #expect(FileManager.default.fileExists(atPath: folder + "/hf/" + file), "\(file) missing")
        }
        let loaded = try ModelLoader.load(path: folder + "/hf", options: ModelLoadOptions(quantizeForDecoding: false))
        let ids = tokenizer.encode("我哋今晚去邊度食飯呀？ OK", addSpecialTokens: false)
        let tokens = try MLXArray(ints: ids, [1, ids.count])
        let trained = try model.network(model.trainable, dropoutSeed: nil).callAsFunction(tokens, cache: nil, lastOnly: false).asFloats()
        let exported = try loaded.model.callAsFunction(tokens, cache: nil, lastOnly: false).asFloats()
        let difference = zip(trained, exported).map { Swift.abs($0 - $1) }.max()!
        #expect(difference < 1e-4, "logits differ by \(difference)")
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/hf/config.json"))) as! [String: Any]
        #expect(config["model_type"] as? String == "llama")
        #expect(config["rope_traditional"] == nil)
        #expect((config["architectures"] as? [String]) == ["LlamaForCausalLM"])
    }

    /// SmolLM2 with trained adapters written as GGUF (F32 and Q8_0) and loaded by our GGUF reader:
    /// F32 gives the trained network's logits, Q8_0 within 8-bit rounding of them.
    @Test func ggufExportLoadsWithTheSameLogits() throws {
        let base = try ModelLoader.load(path: InstalledSmolLM2.path, options: ModelLoadOptions(quantizeForDecoding: false))
        var options = TrainingOptions()
        options.lora = LoRAOptions(rank: 4, targets: ["self_attn.q_proj", "self_attn.k_proj", "mlp.down_proj"])
        let parts = try TrainedRun.prepare(base: base, extended: nil, options: options)
        let model = parts.model
        model.trainable = try model.trainable.enumerated().map { index, array in
            model.trainableNames[index].hasSuffix("lora_b") ? try randomNormal(array.shape, seed: UInt64(index)) * 0.02 : array
        }
        let folder = try TinyModel.scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let ids = base.tokenizer.encode("佢哋喺度等緊巴士。The bus is late.", addSpecialTokens: false)
        let tokens = try MLXArray(ints: ids, [1, ids.count])
        let trained = try model.network(model.trainable, dropoutSeed: nil).callAsFunction(tokens, cache: nil, lastOnly: false).asFloats()
        let vocabulary = model.recipe.vocabularySize
        func argmaxes(_ logits: [Float]) -> [Int] {
            stride(from: 0, to: logits.count, by: vocabulary).map { start in
                (start..<(start + vocabulary)).max { logits[$0] < logits[$1] }! - start
            }
        }
        // F32 is the same numbers; Q8_0 rounds every weight to 8 bits: small mean error, same top tokens.
        for (type, tolerance) in [(GGMLType.f32, Float(1e-3)), (.q8_0, Float(0.3))] {
            let path = folder + "/model-\(type.rawValue).gguf"
            try GGUFExport.write(weights: model.mergedWeights(), base: base, extended: nil, vocabularySize: model.recipe.vocabularySize,
                                 type: type, to: path)
            let loaded = try ModelLoader.load(path: path, options: ModelLoadOptions(quantizeForDecoding: false))
            #expect(loaded.tokenizer.encode("佢哋喺度等緊巴士。The bus is late.", addSpecialTokens: false) == ids)
            let logits = try loaded.model.callAsFunction(tokens, cache: nil, lastOnly: false).asFloats()
            let meanDifference = zip(trained, logits).reduce(Float(0)) { $0 + Swift.abs($1.0 - $1.1) } / Float(logits.count)
            #expect(meanDifference < tolerance, "\(type): logits differ by \(meanDifference) on average")
            if type == .f32 { #expect(zip(trained, logits).map { Swift.abs($0 - $1) }.max()! < 1e-3) }
            #expect(argmaxes(logits) == argmaxes(trained), "\(type): the most likely tokens changed")
            let untrained = try base.model.callAsFunction(tokens, cache: nil, lastOnly: false).asFloats()
            #expect(zip(untrained, logits).map { Swift.abs($0 - $1) }.max()! > 0.05, "the export lost the adapters")
        }
    }
}
