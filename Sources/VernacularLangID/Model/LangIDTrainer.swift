import Foundation
import VernacularCore

/// One labelled training or evaluation sentence.
public struct LabelledSentence: Sendable, Equatable {
    public var label: LangIDLabel
    public var text: String

    public init(label: LangIDLabel, text: String) {
        self.label = label
        self.text = text
    }
}

/// Hyper-parameters of training; the language pack's `training` section sets them.
public struct LangIDTrainingOptions: Sendable, Codable, Equatable {
    /// 2^hash_bits n-gram buckets: 17 keeps the file near 1 MB with few harmful collisions.
    public var hashBits: Int = 17
    /// Character n-grams 1...max_n: 4 covers 佢哋 乜嘢 and short English stems.
    public var maxN: Int = 4
    public var epochs: Int = 6
    /// AdaGrad base step.
    public var learningRate: Float = 0.3
    /// Share of the (shuffled) data kept out of training to fit the temperature.
    public var devFraction: Double = 0.05
    /// Seed of every shuffle: the same data and options give the same model, byte for byte.
    public var seed: UInt64 = 20_261_127

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case hashBits = "hash_bits", maxN = "max_n", epochs, learningRate = "learning_rate"
        case devFraction = "dev_fraction", seed
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = LangIDTrainingOptions()
        hashBits = try c.decodeIfPresent(Int.self, forKey: .hashBits) ?? d.hashBits
        maxN = try c.decodeIfPresent(Int.self, forKey: .maxN) ?? d.maxN
        epochs = try c.decodeIfPresent(Int.self, forKey: .epochs) ?? d.epochs
        learningRate = try c.decodeIfPresent(Float.self, forKey: .learningRate) ?? d.learningRate
        devFraction = try c.decodeIfPresent(Double.self, forKey: .devFraction) ?? d.devFraction
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? d.seed
    }
}

/// What training measured, for logs and the lead's `vern langid train`.
public struct LangIDTrainingReport: Sendable {
    public var trainCount: Int
    public var devCount: Int
    /// Mean cross-entropy on the training data after each epoch.
    public var epochLoss: [Double]
    public var devAccuracy: Double
    /// Dev cross-entropy with the fitted temperature.
    public var devLoss: Double
    public var temperature: Float
}

/// Trains `LangIDModel`s with AdaGrad on the softmax cross-entropy, deterministically.
public enum LangIDTrainer {
    /// Reads a `LABEL<TAB>sentence` file; blank lines are skipped, anything else malformed throws
    /// with file and line.
    public static func readLabelledFile(_ url: URL) throws(LangIDError) -> [LabelledSentence] {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw .unreadableFile(path: url.path, reason: error.localizedDescription)
        }
        var out: [LabelledSentence] = []
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.allSatisfy({ $0 == " " || $0 == "\r" }) { continue }
            guard let tab = line.firstIndex(of: "\t") else {
                throw .badTrainingLine(file: url.path, line: lineNumber, reason: "expected LABEL<TAB>sentence")
            }
            let name = line[..<tab].trimmingCharacters(in: .whitespaces)
            guard let label = LangIDLabel(rawValue: name) else {
                let known = LangIDLabel.allCases.map(\.rawValue).joined(separator: ", ")
                throw .badTrainingLine(file: url.path, line: lineNumber, reason: "unknown label '\(name)' (known: \(known))")
            }
            var sentence = line[line.index(after: tab)...]
            if sentence.last == "\r" { sentence = sentence.dropLast() }
            out.append(LabelledSentence(label: label, text: String(sentence)))
        }
        return out
    }

    /// Trains on `examples` with the given lexicon; returns the model and what training measured.
    public static func train(
        _ examples: [LabelledSentence], markers: [LexiconMarker], options: LangIDTrainingOptions = LangIDTrainingOptions()
    ) throws(LangIDError) -> (LangIDModel, LangIDTrainingReport) {
        let labels = LangIDLabel.allCases.filter { label in examples.contains { $0.label == label } }
        guard labels.count >= 2 else { throw .noTrainingData(reason: "need at least two labels, got \(labels.map(\.rawValue))") }
        guard options.epochs >= 1, options.learningRate > 0, (0..<0.5).contains(options.devFraction) else {
            throw .noTrainingData(reason: "epochs >= 1, learning_rate > 0 and dev_fraction in [0, 0.5) are required")
        }
        var model = try LangIDModel(labels: labels, hashBits: options.hashBits, maxN: options.maxN, markers: markers)
        let classIndex = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })

        var rng = SplitMix64(seed: options.seed)
        var order = Array(examples.indices)
        rng.shuffle(&order)
        let devCount = examples.count >= 40 ? Int(Double(examples.count) * options.devFraction) : 0
        let trainIDs = Array(order.dropLast(devCount))
        let devIDs = Array(order.suffix(devCount))

        // Features are extracted once; epochs then only walk these flat arrays.
        let train = FeatureTable(examples: trainIDs.map { examples[$0] }, extractor: model.extractor, classIndex: classIndex)
        let dev = FeatureTable(examples: devIDs.map { examples[$0] }, extractor: model.extractor, classIndex: classIndex)

        // Inverse-frequency class weights (mean 1): the rarer `mixed` must not be drowned out.
        let c = labels.count
        var classCounts = [Double](repeating: 0, count: c)
        for y in train.targets { classCounts[Int(y)] += 1 }
        let classWeight = classCounts.map { $0 > 0 ? Double(train.count) / (Double(c) * $0) : 0 }.map(Float.init)

        var squared = [Float](repeating: 0, count: model.weights.count)  // AdaGrad accumulators
        var logits = [Float](repeating: 0, count: c)
        var epochLoss: [Double] = []
        var visit = Array(0..<train.count)
        for _ in 0..<options.epochs {
            rng.shuffle(&visit)
            var loss = 0.0
            for i in visit {
                let features = train.features(i)
                model.logits(features, into: &logits)
                LangIDModel.softmax(&logits, temperature: 1)
                let y = Int(train.targets[i])
                loss -= Double(Foundation.log(max(logits[y], 1e-12)))
                let sampleWeight = classWeight[y]
                for k in 0..<c { logits[k] = (logits[k] - (k == y ? 1 : 0)) * sampleWeight }
                model.weights.withUnsafeMutableBufferPointer { w in
                    squared.withUnsafeMutableBufferPointer { g2 in
                        func step(_ index: Int32, _ value: Float) {
                            let row = Int(index) * c
                            for k in 0..<c {
                                let grad = logits[k] * value
                                if grad == 0 { continue }
                                g2[row + k] += grad * grad
                                w[row + k] -= options.learningRate * grad / (g2[row + k].squareRoot() + 1e-8)
                            }
                        }
                        for index in features.ngrams { step(index, features.ngramValue) }
                        for index in features.extras { step(index, 1) }
                    }
                }
            }
            epochLoss.append(loss / Double(max(train.count, 1)))
        }

        // Temperature: the grid value with the lowest dev cross-entropy.
        var devLogits: [[Float]] = []
        for i in 0..<dev.count {
            model.logits(dev.features(i), into: &logits)
            devLogits.append(logits)
        }
        var best: (t: Float, loss: Double) = (1, .infinity)
        if !devLogits.isEmpty {
            for step in 0...60 {
                let t = 0.4 + Float(step) * 0.05
                var total = 0.0
                for (i, row) in devLogits.enumerated() {
                    var p = row
                    LangIDModel.softmax(&p, temperature: t)
                    total -= Double(Foundation.log(max(p[Int(dev.targets[i])], 1e-12)))
                }
                let mean = total / Double(devLogits.count)
                if mean < best.loss { best = (t, mean) }
            }
        }
        model.temperature = best.t
        var correct = 0
        for (i, row) in devLogits.enumerated() where row.indices.max(by: { row[$0] < row[$1] }) == Int(dev.targets[i]) {
            correct += 1
        }
        let report = LangIDTrainingReport(
            trainCount: train.count, devCount: dev.count, epochLoss: epochLoss,
            devAccuracy: dev.count > 0 ? Double(correct) / Double(dev.count) : .nan,
            devLoss: best.loss.isFinite ? best.loss : .nan, temperature: best.t)
        return (model, report)
    }
}

/// Pre-extracted features of many sentences, in flat arrays (no per-sentence allocation).
private struct FeatureTable {
    var ngrams: [Int32] = []
    var ngramStarts: [Int] = [0]
    var extras: [Int32] = []
    var extraStarts: [Int] = [0]
    var ngramValues: [Float] = []
    var targets: [UInt8] = []
    var count: Int { targets.count }

    init(examples: [LabelledSentence], extractor: FeatureExtractor, classIndex: [LangIDLabel: Int]) {
        var buffer = FeatureBuffer()
        for example in examples {
            extractor.extract(Substring(example.text), into: &buffer)
            ngrams.append(contentsOf: buffer.ngrams)
            ngramStarts.append(ngrams.count)
            extras.append(contentsOf: buffer.extras)
            extraStarts.append(extras.count)
            ngramValues.append(buffer.ngramValue)
            targets.append(UInt8(classIndex[example.label]!))
        }
    }

    func features(_ i: Int) -> FeatureBuffer {
        var buffer = FeatureBuffer()
        buffer.ngrams = Array(ngrams[ngramStarts[i]..<ngramStarts[i + 1]])
        buffer.extras = Array(extras[extraStarts[i]..<extraStarts[i + 1]])
        buffer.ngramValue = ngramValues[i]
        return buffer
    }
}

extension SplitMix64 {
    /// Fisher-Yates with this generator (the standard `shuffle(using:)` may change between releases).
    mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            let j = Int(next() % UInt64(i + 1))
            array.swapAt(i, j)
        }
    }
}
