import VernacularCore

extension DedupWorkspace {
    /// The last stage of exact and near dedup for one shard: copies the shard's documents to the
    /// output except those its decisions remove. `sizeField` gets the cluster size of every kept
    /// document (1 without copies) or, with `onlyWithCopies`, only of documents that had copies.
    func applyDecisions(shard: Int, stage: String, sizeField: String, onlyWithCopies: Bool) throws -> (kept: Int, removed: Int) {
        let decisions = try DecisionFile.read(path: path("decisions", shard: shard, ".jsonl"))
        let output = try ShardOutput(workspace: self, shard: shard, stage: stage)
        try forEachDocument(shard: shard) { document, position, _ in
            let decision = decisions[position]
            if let duplicateOf = decision?.duplicateOf {
                try output.remove(id: document.id, duplicateOf: duplicateOf)
                return
            }
            if decision == nil, onlyWithCopies {
                try output.keep(document)
                return
            }
            var kept = document
            kept.meta[sizeField] = JSONValue(decision?.clusterSize ?? 1)
            try output.keep(kept)
        }
        try output.finish()
        return (output.kept, output.removed)
    }
}
