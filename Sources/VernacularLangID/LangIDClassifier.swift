/// One prediction: a label with its calibrated probability.
public struct LangIDPrediction: Sendable, Equatable {
    public var label: LangIDLabel
    /// Calibrated probability of `label` (for `other`: 1 minus the best model probability, or 1
    /// when there was no text to judge).
    public var score: Float
    /// What the sentence held (Han characters, English words, markers).
    public var counts: TextCounts
}

/// A classified sentence of a document.
public struct SentenceLangID: Sendable, Equatable {
    public var span: SentenceSpan
    public var prediction: LangIDPrediction
}

/// A classified document.
public struct DocumentLangID: Sendable, Equatable {
    public var label: LangIDLabel
    /// Share of the document's text units (Han characters + English words) in sentences of
    /// `label`, weighted by those sentences' scores.
    public var score: Float
    /// Share of the document's Han characters that are in `yue` or `mixed` sentences.
    public var yueShare: Float
    public var sentences: [SentenceLangID]
}

/// Classifies sentences and documents with a trained model and a language pack's thresholds.
/// A value shared freely between threads: it holds no mutable state.
public struct LangIDClassifier: Sendable {
    public let model: LangIDModel
    public let thresholds: LangIDThresholds
    public let splitter: SentenceSplitter

    public init(model: LangIDModel, thresholds: LangIDThresholds = LangIDThresholds()) {
        self.model = model
        self.thresholds = thresholds
        self.splitter = SentenceSplitter(maxScalars: thresholds.maxSentenceLength)
    }

    /// The label of one sentence. Text longer than `max_sentence_length` is no sentence: it is
    /// classified as a document and gets the document's label and score.
    public func classify(sentence: some StringProtocol) -> LangIDPrediction {
        var scratch = makeScratch()
        return classify(Substring(sentence), scratch: &scratch)
    }

    /// The labels of many sentences, in order; reuses its buffers.
    public func classify<S: Sequence>(sentences: S) -> [LangIDPrediction] where S.Element: StringProtocol {
        var scratch = makeScratch()
        var out: [LangIDPrediction] = []
        out.reserveCapacity(sentences.underestimatedCount)
        for sentence in sentences { out.append(classify(Substring(sentence), scratch: &scratch)) }
        return out
    }

    /// Buffers for `classify(utf8:scratch:)`; one per thread, reused for every sentence.
    public func makeScratch() -> LangIDScratch { LangIDScratch(classes: model.labels.count) }

    /// The label of one sentence given as UTF-8 bytes (the fast path for line input: no String
    /// is made). Bytes that are not valid UTF-8 are `other` with score 1.
    public func classify(utf8 bytes: UnsafeBufferPointer<UInt8>, scratch: inout LangIDScratch) -> LangIDPrediction {
        if bytes.count > thresholds.maxSentenceLength {
            // Possibly more scalars than a sentence holds: go through the document path.
            guard let text = String(validating: bytes, as: UTF8.self) else { return Self.invalid }
            if text.unicodeScalars.count > thresholds.maxSentenceLength { return classifyLong(text) }
        }
        let c = model.labels.count
        let counts = model.weights.withUnsafeBufferPointer { w in
            scratch.logits.withUnsafeMutableBufferPointer { logits in
                model.extractor.score(utf8: bytes, weights: w, classes: c, logits: logits, scratch: &scratch.sequence,
                                     buckets: &scratch.buckets, seen: &scratch.seen)
            }
        }
        guard let counts else { return Self.invalid }
        return decide(counts: counts, logits: &scratch.logits)
    }

    static let invalid = LangIDPrediction(label: .other, score: 1, counts: TextCounts())

    func classify(_ text: Substring, scratch: inout LangIDScratch) -> LangIDPrediction {
        if let prediction = text.utf8.withContiguousStorageIfAvailable({ classify(utf8: $0, scratch: &scratch) }) {
            return prediction
        }
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { classify(utf8: $0, scratch: &scratch) }
    }

    /// Text too long for a sentence: classified as a document, with the document's label.
    private func classifyLong(_ text: String) -> LangIDPrediction {
        let document = classify(document: text)
        var counts = TextCounts()
        for sentence in document.sentences {
            let c = sentence.prediction.counts
            counts.han += c.han; counts.latinWords += c.latinWords; counts.lowerWords += c.lowerWords
            counts.otherLetters += c.otherLetters
            counts.cantoneseMarkers += c.cantoneseMarkers; counts.swcMarkers += c.swcMarkers
            counts.cantoneseClauses += c.cantoneseClauses; counts.swcClauses += c.swcClauses
        }
        return LangIDPrediction(label: document.label, score: document.score, counts: counts)
    }

    /// Turns raw logits into a label: too little text, a foreign script, or a best probability
    /// under the label's threshold give `other`.
    @inline(__always)
    func decide(counts: TextCounts, logits: inout [Float]) -> LangIDPrediction {
        if counts.units < thresholds.minUnits || counts.otherLetters > counts.han + counts.latinWords {
            return LangIDPrediction(label: .other, score: 1, counts: counts)
        }
        LangIDModel.softmax(&logits, temperature: model.temperature)
        var best = 0
        for k in logits.indices where logits[k] > logits[best] { best = k }
        let p = logits[best]
        let label = model.labels[best]
        if p < thresholds.minScore(for: label) { return LangIDPrediction(label: .other, score: 1 - p, counts: counts) }
        return LangIDPrediction(label: label, score: p, counts: counts)
    }

    /// Splits `text` into sentences and classifies each and the whole.
    public func classify(document text: String) -> DocumentLangID {
        var scratch = makeScratch()
        var sentences: [SentenceLangID] = []
        var unitsByLabel: [LangIDLabel: Float] = [:]
        var totalUnits: Float = 0, totalHan = 0, cantoneseHan = 0
        for span in splitter.split(text) {
            let prediction = classify(span.text, scratch: &scratch)
            sentences.append(SentenceLangID(span: span, prediction: prediction))
            let units = Float(prediction.counts.units)
            totalUnits += units
            unitsByLabel[prediction.label, default: 0] += units * prediction.score
            totalHan += prediction.counts.han
            if prediction.label == .yue || prediction.label == .mixed { cantoneseHan += prediction.counts.han }
        }
        let yueShare = totalHan > 0 ? Float(cantoneseHan) / Float(totalHan) : 0
        guard totalUnits > 0 else { return DocumentLangID(label: .other, score: 1, yueShare: 0, sentences: sentences) }
        // Ties go to the earlier label in `LangIDLabel.allCases` so the result is deterministic.
        var label = LangIDLabel.other
        var weight: Float = -1
        for candidate in LangIDLabel.allCases where candidate != .other {
            let w = unitsByLabel[candidate] ?? 0
            if w > weight { (label, weight) = (candidate, w) }
        }
        if weight <= 0 { return DocumentLangID(label: .other, score: 1, yueShare: yueShare, sentences: sentences) }
        // Cantonese with a real share of English or SWC sentences is a mixed document.
        if label == .yue {
            let foreign = (unitsByLabel[.en] ?? 0) + (unitsByLabel[.zh] ?? 0)
            if foreign / totalUnits >= thresholds.documentMixedShare { label = .mixed; weight += foreign }
        }
        return DocumentLangID(label: label, score: min(1, weight / totalUnits), yueShare: yueShare, sentences: sentences)
    }
}

/// Reusable per-thread buffers for classifying sentence after sentence without allocating.
public struct LangIDScratch {
    var logits: [Float]
    var sequence: [UInt32] = []
    var buckets: [Int32] = []
    var seen: [UInt64] = []

    init(classes: Int) {
        logits = [Float](repeating: 0, count: classes)
        sequence.reserveCapacity(256)
    }
}
