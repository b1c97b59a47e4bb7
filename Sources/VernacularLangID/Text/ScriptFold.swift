/// Folds Traditional characters (and Hong Kong / Taiwan variants) to Simplified, one character
/// to one character, so that the classifier's features are the same in either script.
///
/// The table comes from OpenCC's data files (see `ScriptFoldTable.swift`); every target is in the
/// Basic Multilingual Plane or the supplementary ideographic planes, so a flat table over the
/// BMP plus a small dictionary for the rest keeps the hot path to one array read.
public enum ScriptFold {
    /// BMP lookup: 0 means "unchanged". 65,536 x 4 bytes, built once.
    static var bmpTable: [UInt32] { bmp }
    private static let bmp: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 0x10000)
        for (from, to) in pairs where from < 0x10000 { table[Int(from)] = to }
        return table
    }()
    private static let astral: [UInt32: UInt32] = {
        var table: [UInt32: UInt32] = [:]
        for (from, to) in pairs where from >= 0x10000 { table[from] = to }
        return table
    }()
    private static let pairs: [(UInt32, UInt32)] = {
        let scalars = Array(scriptFoldPairs.unicodeScalars)
        return stride(from: 0, to: scalars.count - 1, by: 2).map { (scalars[$0].value, scalars[$0 + 1].value) }
    }()

    /// Number of characters the table changes.
    public static var count: Int { pairs.count }

    /// The folded form of one scalar value (itself when the table has no entry).
    @inline(__always)
    public static func fold(_ value: UInt32) -> UInt32 {
        if value < 0x10000 {
            let mapped = bmp[Int(value)]
            return mapped == 0 ? value : mapped
        }
        return astral[value] ?? value
    }

    /// The folded form of a string (for tests, lexicons and people; the classifier folds inline).
    public static func fold(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            out.append(Unicode.Scalar(fold(scalar.value)) ?? scalar)
        }
        return String(out)
    }
}
