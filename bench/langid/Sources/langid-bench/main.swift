// Benchmark and model-building driver for VernacularLangID, until `vern langid train|classify`
// exists. Usage:
//   langid-bench train PACK.yaml OUT.vlid TRAIN.tsv...   train with the pack's lexicon and options
//   langid-bench eval PACK.yaml EVAL.tsv PRED.tsv        classify each sentence, write LABEL<TAB>SCORE,
//                                                        print sentences/s on one core
import Foundation
import VernacularLangID

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

let args = CommandLine.arguments.dropFirst()
guard let command = args.first else { fail("usage: langid-bench train|eval ...") }
do {
    switch command {
    case "train":
        let rest = Array(args.dropFirst())
        guard rest.count >= 3 else { fail("usage: langid-bench train PACK.yaml OUT.vlid TRAIN.tsv...") }
        let pack = try LanguagePack.load(from: URL(fileURLWithPath: rest[0]))
        let start = Date()
        let (model, report) = try pack.train(files: rest[2...].map { URL(fileURLWithPath: $0) })
        try model.save(to: URL(fileURLWithPath: rest[1]))
        print("trained on \(report.trainCount), dev \(report.devCount) in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
        print("epoch loss: " + report.epochLoss.map { String(format: "%.4f", $0) }.joined(separator: " "))
        print(String(format: "dev accuracy %.4f, dev loss %.4f, temperature %.2f", report.devAccuracy, report.devLoss, report.temperature))
    case "eval":
        let rest = Array(args.dropFirst())
        guard rest.count == 3 else { fail("usage: langid-bench eval PACK.yaml EVAL.tsv PRED.tsv") }
        let pack = try LanguagePack.load(from: URL(fileURLWithPath: rest[0]))
        let classifier = try pack.makeClassifier()
        let examples = try LangIDTrainer.readLabelledFile(URL(fileURLWithPath: rest[1]))
        let texts = examples.map(\.text)
        var predictions: [LangIDPrediction] = []
        // Best of 5 timed passes over the whole set, as the Python peers are timed.
        var best = Double.infinity
        for _ in 0..<5 {
            let start = DispatchTime.now().uptimeNanoseconds
            predictions = classifier.classify(sentences: texts)
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        let lines = predictions.map { "\($0.label.rawValue)\t\(String(format: "%.4f", $0.score))\n" }.joined()
        try Data(lines.utf8).write(to: URL(fileURLWithPath: rest[2]))
        print(String(format: "ours: %d sentences in %.4f s = %.0f sentences/s (one core)", examples.count, best, Double(examples.count) / best))
    default:
        fail("unknown command \(command)")
    }
} catch {
    fail("\(error)")
}
