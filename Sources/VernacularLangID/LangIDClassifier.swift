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
        var buffer = FeatureBuffer()
        var logits = [Float](repeating: 0, count: model.labels.count)
        return classify(Substring(sentence), buffer: &buffer, logits: &logits)
    }

    /// The labels of many sentences, in order; reuses its buffers, so it is the fast path for
    /// one-sentence-per-line input.
    public func classify<S: Sequence>(sentences: S) -> [LangIDPrediction] where S.Element: StringProtocol {
        var buffer = FeatureBuffer()
        var logits = [Float](repeating: 0, count: model.labels.count)
        var out: [LangIDPrediction] = []
        out.reserveCapacity(sentences.underestimatedCount)
        for sentence in sentences { out.append(classify(Substring(sentence), buffer: &buffer, logits: &logits)) }
        return out
    }

    func classify(_ text: Substring, buffer: inout FeatureBuffer, logits: inout [Float]) -> LangIDPrediction {
        if text.utf8.count > thresholds.maxSentenceLength, text.unicodeScalars.count > thresholds.maxSentenceLength {
            let document = classify(document: String(text))
            var counts = TextCounts()
            for sentence in document.sentences {
                let c = sentence.prediction.counts
                counts.han += c.han; counts.latinWords += c.latinWords; counts.lowerWords += c.lowerWords
                counts.otherLetters += c.otherLetters
                counts.cantoneseMarkers += c.cantoneseMarkers; counts.swcMarkers += c.swcMarkers
            }
            return LangIDPrediction(label: document.label, score: document.score, counts: counts)
        }
        let counts = model.extractor.extract(text, into: &buffer)
        // Too little text, or mostly a script we do not model: nothing to decide between.
        if counts.units < thresholds.minUnits || counts.otherLetters > counts.han + counts.latinWords {
            return LangIDPrediction(label: .other, score: 1, counts: counts)
        }
        model.logits(buffer, into: &logits)
        LangIDModel.softmax(&logits, temperature: model.temperature)
        var best = 0
        for k in logits.indices where logits[k] > logits[best] { best = k }
        let p = logits[best]
        if p < thresholds.minScore { return LangIDPrediction(label: .other, score: 1 - p, counts: counts) }
        return LangIDPrediction(label: model.labels[best], score: p, counts: counts)
    }

    /// Splits `text` into sentences and classifies each and the whole.
    public func classify(document text: String) -> DocumentLangID {
        var buffer = FeatureBuffer()
        var logits = [Float](repeating: 0, count: model.labels.count)
        var sentences: [SentenceLangID] = []
        var unitsByLabel: [LangIDLabel: Float] = [:]
        var totalUnits: Float = 0, totalHan = 0, cantoneseHan = 0
        for span in splitter.split(text) {
            let prediction = classify(span.text, buffer: &buffer, logits: &logits)
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
