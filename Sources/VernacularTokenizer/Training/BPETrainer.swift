import Foundation

/// What `BPETrainer` learns and how.
public struct BPETrainingOptions: Sendable, Equatable {
    /// Tokens in the finished vocabulary: special tokens, the 256 byte tokens and one per merge.
    /// 32000 is the size of Llama 2's and Mistral's vocabularies, a common size for a monolingual model.
    public var vocabularySize: Int = 32000
    /// Least number of occurrences for a pair to be merged; 2 stops merges that only memorise
    /// one occurrence of a rare word.
    public var minimumFrequency: Int = 2
    /// Tokens matched verbatim, given the first ids (Hugging Face's trainer does the same).
    public var specialTokens: [String] = ["<|endoftext|>"]

    public init(vocabularySize: Int = 32000, minimumFrequency: Int = 2, specialTokens: [String] = ["<|endoftext|>"]) {
        self.vocabularySize = vocabularySize
        self.minimumFrequency = minimumFrequency
        self.specialTokens = specialTokens
    }
}

/// Trains a byte-level BPE tokenizer: NFC, the `hanIsolated` split (see `SplitPattern`), GPT-2
/// byte alphabet. Feed it text with `add(_:)`, then call `train()`. Only distinct words and
/// their counts are kept, so memory grows with the vocabulary of the corpus, not its size.
public struct BPETrainer {
    public let options: BPETrainingOptions
    /// Documents and UTF-8 bytes seen so far.
    public private(set) var documents = 0
    public private(set) var bytes = 0
    private var counter = WordCounter()
    private let specials: AddedTokenMatcher
    private let preTokenizer = PreTokenizer(digits: nil, pattern: .hanIsolated)
    // Scratch buffers reused by every `add`, so counting allocates only for new words.
    private var scalars: [UInt32] = []
    private var offsets: [Int32] = []
    private var classes: [ScalarClass] = []
    private var ends: [Int] = []

    /// Distinct pre-tokenised words seen so far.
    public var distinctWords: Int { counter.distinctWords }

    public init(options: BPETrainingOptions = BPETrainingOptions()) throws {
        let minimum = options.specialTokens.count + 256
        guard options.vocabularySize >= minimum else {
            throw TokenizerError.malformed("vocabulary size \(options.vocabularySize) is below \(minimum) (special tokens and 256 bytes)")
        }
        guard options.minimumFrequency >= 1 else {
            throw TokenizerError.malformed("minimum frequency \(options.minimumFrequency) must be at least 1")
        }
        guard Set(options.specialTokens).count == options.specialTokens.count, !options.specialTokens.contains("") else {
            throw TokenizerError.malformed("special tokens must be distinct and non-empty: \(options.specialTokens)")
        }
        self.options = options
        self.specials = AddedTokenMatcher(options.specialTokens.enumerated().map {
            AddedToken(content: $0.element, id: Int32($0.offset), special: true)
        })
    }

    /// Counts the words of one document. Special tokens written in the text are cut out, as
    /// encoding will cut them out.
    public mutating func add(_ text: String) {
        documents += 1
        bytes += text.utf8.count
        var text = text
        text.withUTF8 { utf8 in
            for piece in specials.split(utf8) {
                guard case .text(let range) = piece else { continue }
                countSegment(UnsafeBufferPointer(rebasing: utf8[range]))
            }
        }
    }

    private mutating func countSegment(_ utf8: UnsafeBufferPointer<UInt8>) {
        Tokenizer.decodeScalars(utf8, scalars: &scalars, offsets: &offsets)
        if !NFC.isTriviallyNormalized(scalars) {
            var normalized = NFC.normalize(String(decoding: utf8, as: UTF8.self))
            normalized.withUTF8 { countNormalized($0, decoded: false) }
            return
        }
        countNormalized(utf8, decoded: true)
    }

    /// `utf8` is NFC; `decoded` says whether `scalars` and `offsets` already describe it.
    private mutating func countNormalized(_ utf8: UnsafeBufferPointer<UInt8>, decoded: Bool) {
        if !decoded { Tokenizer.decodeScalars(utf8, scalars: &scalars, offsets: &offsets) }
        classes.removeAll(keepingCapacity: true)
        for v in scalars { classes.append(ScalarClass.of(v)) }
        ends.removeAll(keepingCapacity: true)
        scalars.withUnsafeBufferPointer { s in
            classes.withUnsafeBufferPointer { c in
                preTokenizer.split(scalars: s, classes: c, start: 0, end: s.count, ends: &ends)
            }
        }
        var start = 0
        for end in ends {
            let lower = Int(offsets[start])
            let upper = end < offsets.count ? Int(offsets[end]) : utf8.count
            counter.add(UnsafeBufferPointer(rebasing: utf8[lower..<upper]))
            start = end
        }
    }

    /// Learns merges until the vocabulary is full or no pair occurs `minimumFrequency` times.
    /// `progress` hears (tokens so far, vocabulary size) every 1000 merges and at the end.
    public func train(progress: ((Int, Int) -> Void)? = nil) -> TrainedBPE {
        let first = Int32(options.specialTokens.count)
        // Symbols: special tokens, then byte b as id first + b, then merges in order.
        var tokenBytes: [[UInt8]] = options.specialTokens.map { Array($0.utf8) } + (0..<256).map { [UInt8($0)] }
        var idForBytes: [[UInt8]: Int32] = [:]
        for b in 0..<256 { idForBytes[[UInt8(b)]] = first + Int32(b) }

        var words: [[Int32]] = []
        var counts: [Int] = []
        words.reserveCapacity(counter.distinctWords)
        for index in 0..<counter.distinctWords {
            let word = counter.bytes(of: index)
            // A one-byte word has no pair: it can teach no merge.
            guard word.count > 1 else { continue }
            words.append(word.map { first + Int32($0) })
            counts.append(counter.counts[index])
        }
        var learner = MergeLearner(words: words, counts: counts)
        words = []
        var merges: [(left: Int32, right: Int32)] = []
        while tokenBytes.count < options.vocabularySize {
            var joined: [UInt8] = []
            guard let merge = learner.next(minimumCount: options.minimumFrequency, result: { left, right in
                joined = tokenBytes[Int(left)] + tokenBytes[Int(right)]
                // Two pairs can spell the same bytes ("a"+"bc", "ab"+"c"): the second reuses the id.
                return idForBytes[joined] ?? Int32(tokenBytes.count)
            }) else { break }
            merges.append((merge.left, merge.right))
            if Int(merge.result) == tokenBytes.count {
                tokenBytes.append(joined)
                idForBytes[joined] = merge.result
            }
            if merges.count % 1000 == 0 { progress?(tokenBytes.count, options.vocabularySize) }
        }
        progress?(tokenBytes.count, options.vocabularySize)
        return TrainedBPE(specialTokens: options.specialTokens, tokenBytes: tokenBytes, merges: merges)
    }
}

/// A trained byte-level BPE vocabulary: what `tokenizerJSON()` writes.
public struct TrainedBPE: Sendable {
    /// Special tokens; their ids are 0 ..< count.
    public let specialTokens: [String]
    /// id -> the bytes the token stands for (a special token's UTF-8 text for the first ids).
    public let tokenBytes: [[UInt8]]
    /// Merges in rank order, as ids.
    public let merges: [(left: Int32, right: Int32)]

    /// Number of ids.
    public var vocabularySize: Int { tokenBytes.count }
}
