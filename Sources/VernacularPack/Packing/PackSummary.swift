/// What `Packer` wrote: the content of `pack.json`.
public struct PackSummary: Sendable, Codable, Equatable {
    /// Counts for one of train/valid/test.
    public struct SplitCounts: Sendable, Codable, Equatable {
        /// Documents written, upsampled copies included (each is one Megatron document).
        public var documents = 0
        public var tokens = 0
        public var bin: String = ""
        public var idx: String = ""
    }

    public var tokenizer: String
    public var vocabularySize: Int
    public var dtype: String
    public var dtypeCode: Int
    public var endOfDocumentID: Int
    public var bosID: Int?
    public var splitWeights: SplitWeights
    public var inputs: [String]
    /// Documents read (before upsampling), and those skipped for having no text.
    public var documentsRead = 0
    public var documentsEmpty = 0
    /// Extra copies written by upsampling.
    public var upsampledCopies = 0
    public var characters = 0
    public var train = SplitCounts()
    public var valid = SplitCounts()
    public var test = SplitCounts()

    enum CodingKeys: String, CodingKey {
        case tokenizer, dtype, inputs, characters, train, valid, test
        case vocabularySize = "vocabulary_size"
        case dtypeCode = "dtype_code"
        case endOfDocumentID = "end_of_document_id"
        case bosID = "bos_id"
        case splitWeights = "split_weights"
        case documentsRead = "documents_read"
        case documentsEmpty = "documents_empty"
        case upsampledCopies = "upsampled_copies"
    }

    subscript(split: DatasetSplit) -> SplitCounts {
        get { split == .train ? train : split == .valid ? valid : test }
        set {
            switch split {
            case .train: train = newValue
            case .valid: valid = newValue
            case .test: test = newValue
            }
        }
    }
}
