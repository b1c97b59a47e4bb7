import VernacularCore

/// Which part of the data a document goes to.
public enum DatasetSplit: String, Sendable, Codable, CaseIterable {
    case train, valid, test
}

/// Relative sizes of train/valid/test, as whole numbers (98/1/1 gives 98%, 1%, 1%).
public struct SplitWeights: Sendable, Equatable, Codable {
    public var train: Int
    public var valid: Int
    public var test: Int

    public init(train: Int = 98, valid: Int = 1, test: Int = 1) {
        self.train = train
        self.valid = valid
        self.test = test
    }

    /// Parses "98/1/1" or "98,1,1".
    public init(parsing text: String) throws {
        let parts = text.split(whereSeparator: { $0 == "/" || $0 == "," }).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 3, let a = parts[0], let b = parts[1], let c = parts[2] else {
            throw PackError.configuration("split '\(text)': expected three whole numbers such as 98/1/1")
        }
        self.init(train: a, valid: b, test: c)
        try validate()
    }

    public func validate() throws {
        guard train >= 0, valid >= 0, test >= 0, train + valid + test > 0 else {
            throw PackError.configuration("split weights must be non-negative and not all zero")
        }
    }

    /// The split of a document, from a hash of its id alone: the same id lands in the same split
    /// on every run and machine, and upsampled copies never leak into valid or test.
    public func split(forDocumentID id: String) -> DatasetSplit {
        var h = FNV1a64.hash(id.utf8)
        // FNV's low bits mix poorly for short ids; a SplitMix64 finaliser spreads them before `%`.
        h ^= h >> 30; h &*= 0xBF58_476D_1CE4_E5B9
        h ^= h >> 27; h &*= 0x94D0_49BB_1331_11EB
        h ^= h >> 31
        let bucket = Int(h % UInt64(train + valid + test))
        if bucket < train { return .train }
        return bucket < train + valid ? .valid : .test
    }
}

/// How `Packer` tokenises and splits documents.
public struct PackConfiguration: Sendable {
    public var splits = SplitWeights()
    /// Tokenising threads; the rest of the work (reading, writing) is one thread.
    public var workers = 2
    /// Documents tokenised per batch: enough to keep the workers busy, small enough to bound memory.
    public var batchSize = 1024
    /// Repeat each training document by its near-duplicate cluster size (`meta.dup_cluster_size`),
    /// so content that was common before dedup keeps some of its weight.
    public var upsampleDuplicates = false
    /// Most copies of one document when upsampling: large clusters are often boilerplate.
    public var maxCopies = 3
    /// Put BOS before each document: nil follows the tokenizer's own setting (Gemma yes, SmolLM2 no).
    public var addBOS: Bool?
    /// The end-of-document token; nil uses the tokenizer's EOS.
    public var endOfDocumentID: Int32?
    public var fieldMapping = DocumentFieldMapping()

    public init() {}

    public func validate() throws {
        try splits.validate()
        guard workers >= 1 else { throw PackError.configuration("workers must be at least 1") }
        guard batchSize >= 1 else { throw PackError.configuration("batch size must be at least 1") }
        guard maxCopies >= 1 else { throw PackError.configuration("max copies must be at least 1") }
    }
}
