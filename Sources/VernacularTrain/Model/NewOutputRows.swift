import Foundation
import VernacularEngine
import VernacularModels
import VernacularTokenizer

/// Where the output rows of the tokens an extension added start, when the head has rows of its
/// own for them (`EmbeddingRows.new`).
///
/// The mean of a token's base pieces, a fair start for its input row, is a poor output row: its
/// logit is the average of the pieces' logits, and all but the first piece are fragments the model
/// never predicts at the start of a character. SmolLM2 with 2,000 Cantonese tokens so started read
/// held-out Cantonese at 10.2 bits/char, against 8.0 with its own tokenizer. Here a new token t
/// whose first base piece is p starts as
///
///     w_t = w_p + log share(t) · u
///
/// so its logit follows the context as p's did, lowered by the log of t's share among the
/// training tokens that begin with p (p itself and every added token built on it, counted in the
/// training rows). `u` is a direction of the final hidden space on which every hidden state
/// projects to about 1 (least squares over the training rows' states): with it a constant becomes
/// a logit offset, which a head without biases cannot otherwise hold.
enum NewOutputRows {
    /// Rows of training data whose hidden states fit `u`.
    static let sampleRows = 4

    /// Replaces the trained new rows of `lm_head.weight` in `model`; returns a line for the log,
    /// or nil when the model has no such rows (a head tied to the embedding).
    static func initialise(_ model: TrainableModel, newTokens: [VocabularyExtension.NewToken], data: TrainingSet) throws -> String? {
        let name = "lm_head.weight"
        guard let position = model.trainableNames.firstIndex(of: name + TrainableModel.newRowsSuffix),
              let baseRows = model.splitRows[name], let head = model.frozen[name] else { return nil }
        let width = head.dim(1)
        let newRowCount = model.trainable[position].dim(0)
        let network = try model.network(model.trainable, dropoutSeed: nil)
        guard let llama = network as? LlamaModel, !data.examples.isEmpty else { return nil }

        let direction = try unitProjection(llama, data: data, width: width)
        let shares = logShares(newTokens: newTokens, data: data, vocabularySize: baseRows + newRowCount)
        let baseValues = try head.asFloats()
        var rows = try model.trainable[position].asFloats()
        var started = 0
        for token in newTokens {
            let row = Int(token.id) - baseRows
            guard row >= 0, row < newRowCount, let first = token.pieces.first, first >= 0, Int(first) < baseRows else { continue }
            let share = Float(shares[Int(token.id)])
            for column in 0..<width {
                rows[row * width + column] = baseValues[Int(first) * width + column] + share * direction.u[column]
            }
            started += 1
        }
        model.trainable[position] = try MLXArray(rows, [newRowCount, width])
        try eval([model.trainable[position]])
        return "new output rows: \(started) start at their first piece's row and log-share (hidden states project on u to 1 ± \(String(format: "%.3f", direction.residual)))"
    }

    /// log(count of t + ½) - log(count of its first piece's family + ½ · family size), for every id.
    static func logShares(newTokens: [VocabularyExtension.NewToken], data: TrainingSet, vocabularySize: Int) -> [Double] {
        var counts = [Double](repeating: 0, count: vocabularySize)
        for example in data.examples {
            for token in example.tokens where token >= 0 && Int(token) < vocabularySize { counts[Int(token)] += 1 }
        }
        var family: [Int32: (count: Double, members: Int)] = [:]
        for token in newTokens {
            guard let first = token.pieces.first, Int(first) < vocabularySize, Int(token.id) < vocabularySize else { continue }
            let current = family[first] ?? (counts[Int(first)], 1)
            family[first] = (current.count + counts[Int(token.id)], current.members + 1)
        }
        var shares = [Double](repeating: 0, count: vocabularySize)
        for token in newTokens {
            guard let first = token.pieces.first, let members = family[first], Int(token.id) < vocabularySize else { continue }
            shares[Int(token.id)] = log(counts[Int(token.id)] + 0.5) - log(members.count + 0.5 * Double(members.members))
        }
        return shares
    }

    /// u minimising Σ (h · u - 1)² + λ |u|² over the final hidden states of the first training
    /// rows, and the root-mean-square of h · u - 1.
    static func unitProjection(_ model: LlamaModel, data: TrainingSet, width: Int) throws -> (u: [Float], residual: Double) {
        let rows = data.examples.prefix(sampleRows)
        let length = rows.map(\.tokens.count).min() ?? 0
        let tokens = rows.flatMap { $0.tokens.prefix(length) }
        let states = try model.finalHiddenStates(MLXArray(ints: tokens, [rows.count, length]))
        let flat = try reshaped(states, [rows.count * length, width])
        let gram = try matmul(transposed(flat, axes: [1, 0]), flat).asFloats().map(Double.init)  // (C, C)
        let target = try sum(flat, axes: [0]).asFloats().map(Double.init)                     // Hᵀ 1
        let count = Double(rows.count * length)
        var system = gram
        // A ridge of a thousandth of the mean diagonal: the states span fewer dimensions than they
        // have (and a short data set has fewer states than dimensions), so the plain system is singular.
        var trace = 0.0
        for index in 0..<width { trace += gram[index * width + index] }
        let ridge = 1e-3 * trace / Double(width)
        for index in 0..<width { system[index * width + index] += ridge }
        let solution = try Cholesky.solve(system, target, size: width)
        // The residual from the same sums: |Hu - 1|² = uᵀGu - 2uᵀHᵀ1 + N.
        var quadratic = 0.0, linear = 0.0
        for i in 0..<width {
            var row = 0.0
            for j in 0..<width { row += gram[i * width + j] * solution[j] }
            quadratic += solution[i] * row
            linear += solution[i] * target[i]
        }
        let residual = (max(quadratic - 2 * linear + count, 0) / count).squareRoot()
        return (solution.map(Float.init), residual)
    }
}

/// Solves a symmetric positive definite system, for the small fits training makes.
enum Cholesky {
    static func solve(_ matrix: [Double], _ rhs: [Double], size n: Int) throws -> [Double] {
        var l = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var value = matrix[i * n + j]
                for k in 0..<j { value -= l[i * n + k] * l[j * n + k] }
                if i == j {
                    guard value > 0 else { throw TrainingError.run("the hidden-state fit is singular (pivot \(i))") }
                    l[i * n + i] = value.squareRoot()
                } else {
                    l[i * n + j] = value / l[j * n + j]
                }
            }
        }
        var y = rhs
        for i in 0..<n {
            for k in 0..<i { y[i] -= l[i * n + k] * y[k] }
            y[i] /= l[i * n + i]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            for k in (i + 1)..<n { y[i] -= l[k * n + i] * y[k] }
            y[i] /= l[i * n + i]
        }
        return y
    }
}
