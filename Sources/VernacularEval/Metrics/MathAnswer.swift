import Foundation

/// Numeric answers of math word problems (GSM8K's form: the reference ends `#### 18`).
public enum MathAnswer {
    /// The number after the last `####` of a reference answer, or nil.
    public static func reference(_ answer: String) -> Double? {
        guard let range = answer.range(of: "####", options: .backwards) else { return nil }
        return lastNumber(in: String(answer[range.upperBound...]))
    }

    /// The last number written in `text`: digits with optional sign, thousands commas and
    /// decimals (`$1,234.50` -> 1234.5, `-3` -> -3, `3/4` -> 4), full-width digits included.
    public static func lastNumber(in text: String) -> Double? {
        let folded = String(text.unicodeScalars.map { scalar -> Character in
            // Full-width digits and signs (０-９, －, ．, ，) as ASCII: Cantonese answers use both.
            switch scalar.value {
            case 0xFF10...0xFF19: return Character(Unicode.Scalar(scalar.value - 0xFF10 + 0x30)!)
            case 0xFF0D: return "-"
            case 0xFF0E: return "."
            default: return Character(scalar)
            }
        })
        let pattern = try! NSRegularExpression(pattern: #"-?\d[\d,]*(?:\.\d+)?|-?\.\d+"#)
        let matches = pattern.matches(in: folded, range: NSRange(folded.startIndex..., in: folded))
        for match in matches.reversed() {
            guard let range = Range(match.range, in: folded) else { continue }
            let cleaned = folded[range].replacingOccurrences(of: ",", with: "")
            if let value = Double(cleaned) { return value }
        }
        return nil
    }

    /// The comparison gen-math scores with: equal within 1e-5.
    public static func matches(_ predicted: Double?, _ gold: Double, tolerance: Double = 1e-5) -> Bool {
        guard let predicted else { return false }
        return Swift.abs(predicted - gold) <= tolerance
    }
}
