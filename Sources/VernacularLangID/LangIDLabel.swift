/// The labels a sentence or document can get.
///
/// `mixed` is Cantonese with English, or Cantonese and Standard Written Chinese in one sentence;
/// `other` is anything with too little text to decide (punctuation, emoji, digits, 係呀).
public enum LangIDLabel: String, Sendable, Codable, CaseIterable, Hashable {
    case yue, zh, en, mixed, other
}
