// Training throughput of VernacularTokenizer's BPETrainer without the rest of `vern` (whose
// release build pulls in MLX): same trainer, same options as `vern tokenizer train`, JSON Lines
// read with Foundation. Build (release, outside SwiftPM):
//   swiftc -O -parse-as-library Sources/VernacularTokenizer/*.swift Sources/VernacularTokenizer/*/*.swift \
//       bench/tokenize/TrainBench.swift -o .build/trainbench
//   .build/trainbench OUT_DIR VOCAB_SIZE FILE.jsonl...
import Foundation

@main
struct TrainBench {
    static func main() throws {
        let args = Array(CommandLine.arguments.dropFirst())
        guard args.count >= 3, let vocab = Int(args[1]) else {
            print("usage: trainbench OUT_DIR VOCAB_SIZE FILE.jsonl...")
            return
        }
        var trainer = try BPETrainer(options: BPETrainingOptions(vocabularySize: vocab))
        let start = Date()
        for path in args.dropFirst(2) {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
                guard let object = try JSONSerialization.jsonObject(with: line) as? [String: Any],
                      let text = object["text"] as? String else { continue }
                trainer.add(text)
            }
        }
        let counted = Date()
        let trained = trainer.train()
        let done = Date()
        try FileManager.default.createDirectory(atPath: args[0], withIntermediateDirectories: true)
        try trained.tokenizerJSON().write(to: URL(fileURLWithPath: args[0] + "/tokenizer.json"))
        print(String(format: "swift BPETrainer: %d tokens, %.1f MB, %d distinct words: read+count %.1f s, merges %.1f s, total %.1f s",
                     trained.vocabularySize, Double(trainer.bytes) / 1e6, trainer.distinctWords,
                     counted.timeIntervalSince(start), done.timeIntervalSince(counted), done.timeIntervalSince(start)))
    }
}
