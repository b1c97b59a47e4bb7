/// The labels a sentence or document can get.
///
/// `mixed` is Cantonese with English, or Cantonese and Standard Written Chinese in one sentence.
/// `neutral` is text that carries no evidence for any variety: numbers, punctuation, names, a
/// heading or an infobox cell without a Cantonese or SWC word (歷史, 類型: 餐廳). It counts neither
/// for nor against a document's language. `other` is text the model cannot place: another
/// script (kana, hangul), bytes that are not UTF-8, or evidence too even to decide.
public enum LangIDLabel: String, Sendable, Codable, CaseIterable, Hashable {
    case yue, zh, en, mixed, neutral, other

    /// Labels that say which language a text is in: the ones a document's label and its
    /// Cantonese share are computed from.
    public var carriesSignal: Bool {
        switch self {
        case .yue, .zh, .en, .mixed: return true
        case .neutral, .other: return false
        }
    }
}
