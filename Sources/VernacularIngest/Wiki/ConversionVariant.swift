/// A written variant of Chinese that MediaWiki's language converter can show (`zh-hk`,
/// `zh-hant`, ...). zh-yue Wikipedia writes `-{zh-hans:...;zh-hant:...}-` where the forms differ;
/// the reader keeps the one the configured variant would display.
public struct ConversionVariant: Sendable, Equatable, Hashable, CustomStringConvertible {
    public let code: String

    /// Accepts `zh-hk`, `zh-hant`, `zh-tw`, `zh-mo`, `zh-hans`, `zh-cn`, `zh-sg`, `zh-my`, `zh`.
    public init?(_ code: String) {
        let lower = code.lowercased()
        guard Self.known.contains(lower) else { return nil }
        self.code = lower
    }

    /// Hong Kong Traditional: what zh-yue readers in Hong Kong see.
    public static let hongKong = ConversionVariant("zh-hk")!

    public var description: String { code }

    static let known: [String] = ["zh-hk", "zh-mo", "zh-tw", "zh-hant", "zh-hans", "zh-cn", "zh-sg", "zh-my", "zh"]
    private static let traditional = ["zh-hant", "zh-hk", "zh-tw", "zh-mo"]
    private static let simplified = ["zh-hans", "zh-cn", "zh-sg", "zh-my"]

    /// The codes to look for, best first: the variant itself, its script, the other regions of the
    /// same script, plain `zh`, then the other script (a form in the other script beats none).
    public var fallbacks: [String] {
        let sameScript = Self.simplified.contains(code) ? Self.simplified : Self.traditional
        let otherScript = Self.simplified.contains(code) ? Self.traditional : Self.simplified
        var chain = [code]
        switch code {
        case "zh-hk", "zh-mo": chain += ["zh-hk", "zh-mo", "zh-hant", "zh-tw"]
        case "zh-tw": chain += ["zh-hant", "zh-hk", "zh-mo"]
        case "zh-cn", "zh-sg", "zh-my": chain += ["zh-hans"]
        default: break
        }
        chain += sameScript + ["zh"] + otherScript
        var seen = Set<String>()
        return chain.filter { seen.insert($0).inserted }
    }
}
