/// One prediction: a label with its calibrated probability.
public struct LangIDPrediction: Sendable, Equatable {
    public var label: LangIDLabel
    /// Calibrated probability of `label` (for `other`: 1 minus the best model probability, or 1
    /// for another script; for `neutral`: how sure it is that the text holds no signal).
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
    /// Share of the text units (Han characters + English words) of the signal-carrying sentences
    /// that are in sentences of `label`, weighted by those sentences' scores (1 for a document
    /// without signal).
    public var score: Float
    /// Share of the Han characters of signal-carrying sentences (yue, zh, en, mixed) that are
    /// in `yue` or `mixed` sentences; 0 when none carries a signal.
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

    /// Turns raw logits into a label.
    ///
    /// Evidence first: the model was trained on Cantonese sentences that show Cantonese and on
    /// SWC sentences that may show nothing, so for text without any marker it answers `zh`
    /// with confidence (歷史 came out zh 0.99). Such text is `neutral` instead, unless the model
    /// still finds Cantonese in it (a Cantonese word the lexicon lacks can only have come from
    /// the n-grams). Latin text is English only with two lower-case words; names, acronyms and
    /// a lone word are neutral. Scores of short texts are shrunk towards an even chance: one or two
    /// characters never make a 0.99.
    @inline(__always)
    func decide(counts: TextCounts, logits: inout [Float]) -> LangIDPrediction {
        if counts.otherLetters > counts.han + counts.latinWords {
            return LangIDPrediction(label: .other, score: 1, counts: counts)
        }
        if counts.units < thresholds.minUnits {
            return LangIDPrediction(label: .neutral, score: Self.neutralScore(units: counts.units), counts: counts)
        }
        LangIDModel.softmax(&logits, temperature: model.temperature)
        var best = 0
        for k in logits.indices where logits[k] > logits[best] { best = k }
        let label = model.labels[best]
        let p = Self.shrunk(logits[best], units: counts.units, classes: logits.count)
        let markers = counts.cantoneseMarkers + counts.swcMarkers + counts.cantoneseClauses + counts.swcClauses
        let hasEvidence: Bool
        if markers > 0 {
            hasEvidence = true
        } else if counts.latinWords > counts.han {
            // English needs two lower-case words: names, acronyms and a lone word are no sentence.
            hasEvidence = label == .en && counts.lowerWords >= 2
        } else {
            // Han text without markers: only Cantonese that the n-grams still find counts (the
            // English words of "name: 茶餐廳" or "www.example.org" say nothing about the variety).
            hasEvidence = (label == .yue || label == .mixed) && p >= thresholds.minScore(for: label)
        }
        if !hasEvidence {
            return LangIDPrediction(label: .neutral, score: Self.neutralScore(units: counts.units), counts: counts)
        }
        if p < thresholds.minScore(for: label) { return LangIDPrediction(label: .other, score: 1 - p, counts: counts) }
        return LangIDPrediction(label: label, score: p, counts: counts)
    }

    /// The model's probability moved towards 1/C by the text's length: weight u^2 / (u^2 + 2) for
    /// u units keeps 0.98 of it at ten units and two thirds at two, where a temperature fitted
    /// on whole sentences is overconfident.
    @inline(__always)
    static func shrunk(_ p: Float, units: Int, classes: Int) -> Float {
        let u = Float(units) * Float(units)
        let w = u / (u + 2)
        return w * p + (1 - w) / Float(max(classes, 1))
    }

    /// How sure a marker-free text is to hold no signal: certain for digits and punctuation,
    /// 0.8 for a two-character heading, an even chance at eight units, less for longer text
    /// (a long sentence without markers is more likely a variety the lexicon cannot see).
    @inline(__always)
    static func neutralScore(units: Int) -> Float { 1 / (1 + Float(units) / 8) }

    /// Splits `text` into sentences and classifies each and the whole. Only sentences that carry
    /// a signal (yue, zh, en, mixed) count: `neutral` lines (headings, infobox and table cells,
    /// names, numbers) and undecided `other` ones weigh for nothing. A document without any
    /// signal is `neutral` (or `other` when it holds only undecided or foreign-script text).
    public func classify(document text: String) -> DocumentLangID {
        var scratch = makeScratch()
        var sentences: [SentenceLangID] = []
        var unitsByLabel: [LangIDLabel: Float] = [:]
        var signalUnits: Float = 0, signalHan = 0, cantoneseHan = 0
        var sawNeutral = false
        for span in splitter.split(text) {
            let prediction = classify(span.text, scratch: &scratch)
            sentences.append(SentenceLangID(span: span, prediction: prediction))
            if prediction.label == .neutral { sawNeutral = true }
            guard prediction.label.carriesSignal else { continue }
            let units = Float(prediction.counts.units)
            signalUnits += units
            unitsByLabel[prediction.label, default: 0] += units * prediction.score
            signalHan += prediction.counts.han
            if prediction.label == .yue || prediction.label == .mixed { cantoneseHan += prediction.counts.han }
        }
        let yueShare = signalHan > 0 ? Float(cantoneseHan) / Float(signalHan) : 0
        guard signalUnits > 0 else {
            return DocumentLangID(label: sawNeutral ? .neutral : .other, score: 1, yueShare: 0, sentences: sentences)
        }
        // Ties go to the earlier label in `LangIDLabel.allCases` so the result is deterministic.
        var label = LangIDLabel.other
        var weight: Float = -1
        for candidate in LangIDLabel.allCases where candidate.carriesSignal {
            let w = unitsByLabel[candidate] ?? 0
            if w > weight { (label, weight) = (candidate, w) }
        }
        if weight <= 0 { return DocumentLangID(label: .other, score: 1, yueShare: yueShare, sentences: sentences) }
        // Cantonese with a real share of English or SWC sentences is a mixed document.
        if label == .yue {
            let foreign = (unitsByLabel[.en] ?? 0) + (unitsByLabel[.zh] ?? 0)
            if foreign / signalUnits >= thresholds.documentMixedShare { label = .mixed; weight += foreign }
        }
        return DocumentLangID(label: label, score: min(1, weight / signalUnits), yueShare: yueShare, sentences: sentences)
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
