import Foundation

/// Checks the pack folders a bundle names, where they exist on this machine (a config may name
/// paths that exist only on the cluster's shared file system): each holds the train split, and its
/// token ids fit the model's vocabulary, so a pack made with another tokenizer is caught here
/// rather than as an index error on the cluster.
enum PackCheck {
    struct Summary: Decodable {
        var vocabulary_size: Int
        var tokenizer: String
    }

    static func verify(_ config: TrainingConfig) throws {
        let manager = FileManager.default
        for folder in config.data.packs where manager.fileExists(atPath: folder) {
            for file in ["train.bin", "train.idx"] where !manager.fileExists(atPath: folder + "/" + file) {
                throw ClusterError.config(file: config.file, line: nil, message: "data: \(folder) has no \(file): is it a vern pack folder?")
            }
            guard let data = manager.contents(atPath: folder + "/pack.json"),
                  let summary = try? JSONDecoder().decode(Summary.self, from: data) else { continue }
            if summary.vocabulary_size > config.shape.vocab {
                throw ClusterError.config(
                    file: config.file, line: nil,
                    message: "data: \(folder) was packed with \(summary.tokenizer) (\(summary.vocabulary_size) ids), more than the model's vocab of \(config.shape.vocab)")
            }
        }
    }
}
