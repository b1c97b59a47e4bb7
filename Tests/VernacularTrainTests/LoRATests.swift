import Foundation
import Testing
import VernacularEngine
import VernacularModels
@testable import VernacularTrain

@Suite struct LoRATests {
    func logits(_ network: any LanguageModel, _ tokens: MLXArray) throws -> [Float] {
        let output = try network.callAsFunction(tokens, cache: nil, lastOnly: false)
        return try output.asFloats()
    }

    func logits(_ weights: MergedWeightSource, _ tokens: MLXArray) throws -> [Float] {
        try logits(TinyModel.recipe.build(weights: weights, options: ModelLoadOptions(quantizeForDecoding: false)), tokens)
    }

    /// With non-zero adapters, the network with adapters applied beside the weights gives the
    /// logits of the network whose weights have the adapters merged in.
    @Test func mergedEqualsUnmerged() throws {
        var options = TrainingOptions()
        options.lora = LoRAOptions(rank: 4)
        let model = try TrainableModel(recipe: TinyModel.recipe, parameters: TinyModel.parameters(), options: options)
        // B starts at zero; give it values so the adapters matter.
        model.trainable = try model.trainable.enumerated().map { index, array in
            model.trainableNames[index].hasSuffix("lora_b") ? try randomNormal(array.shape, seed: UInt64(index)) * 0.1 : array
        }
        let tokens = try MLXArray(ints: [3, 17, 5, 40, 22, 9, 1, 33], [1, 8])
        let unmerged = try logits(model.network(model.trainable, dropoutSeed: nil), tokens)
        let merged = try logits(MergedWeightSource(model.mergedWeights()), tokens)
        let base = try logits(MergedWeightSource(TinyModel.parameters()), tokens)
        let difference = zip(unmerged, merged).map { Swift.abs($0 - $1) }.max()!
        let effect = zip(unmerged, base).map { Swift.abs($0 - $1) }.max()!
        #expect(difference < 1e-4, "merged and unmerged differ by \(difference)")
        #expect(effect > 1e-2, "the adapters changed nothing (\(effect))")
    }

    /// Adapters start with B = 0: the adapted model is the base model before the first step.
    @Test func freshAdaptersChangeNothing() throws {
        var options = TrainingOptions()
        options.lora = LoRAOptions(rank: 8)
        let model = try TrainableModel(recipe: TinyModel.recipe, parameters: TinyModel.parameters(), options: options)
        #expect(model.trainableNames.count == 2 * 7 * 2)
        let tokens = try MLXArray(ints: [1, 2, 3, 4], [1, 4])
        let adapted = try logits(model.network(model.trainable, dropoutSeed: nil), tokens)
        let base = try logits(MergedWeightSource(TinyModel.parameters()), tokens)
        #expect(adapted == base)
    }

    @Test func targetsSelectProjections() throws {
        var options = TrainingOptions()
        options.lora = LoRAOptions(rank: 2, targets: ["self_attn.q_proj", "self_attn.v_proj"])
        options.trainEmbeddings = true
        let model = try TrainableModel(recipe: TinyModel.recipe, parameters: TinyModel.parameters(), options: options)
        #expect(Set(model.trainableNames) == Set(["model.embed_tokens.weight", "lm_head.weight"]
            + (0..<2).flatMap { l in ["q", "v"].flatMap { ["model.layers.\(l).self_attn.\($0)_proj.lora_a", "model.layers.\(l).self_attn.\($0)_proj.lora_b"] } }))
        options.lora = LoRAOptions(rank: 2, targets: ["mlp.nothing"])
        #expect(throws: TrainingError.self) {
            try TrainableModel(recipe: TinyModel.recipe, parameters: TinyModel.parameters(), options: options)
        }
    }

    /// Dropout keeps each input with probability 1 − p (the normal-quantile threshold).
    @Test func dropoutQuantile() {
        #expect(Swift.abs(LowRankAdapter.normalQuantile(0.5)) < 1e-9)
        #expect(Swift.abs(LowRankAdapter.normalQuantile(0.975) - 1.959964) < 1e-5)
        #expect(Swift.abs(LowRankAdapter.normalQuantile(0.1) + 1.281552) < 1e-5)
    }
}
