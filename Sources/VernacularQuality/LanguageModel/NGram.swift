/// Up to eight token ids as one hashable value; unused slots hold `NGram.empty`, so the
/// order is part of the key and one table holds every order. Suffix and context are lane
/// shuffles, so the scoring loop never allocates.
public struct NGram: Hashable, Sendable {
    public static let maxOrder = 8
    static let empty = UInt32.max
    var ids: SIMD8<UInt32>
    /// How many ids are used.
    public let count: Int

    private init(packed: SIMD8<UInt32>, count: Int) {
        self.ids = packed
        self.count = count
    }

    /// Takes at most `maxOrder` ids; callers check the model order first.
    init<C: Collection>(_ ids: C) where C.Element == UInt32 {
        var packed = SIMD8<UInt32>(repeating: NGram.empty)
        var n = 0
        for id in ids where n < NGram.maxOrder { packed[n] = id; n += 1 }
        self.init(packed: packed, count: n)
    }

    /// `context` then `word`; the context keeps its first `maxOrder - 1` ids.
    init(_ context: ArraySlice<UInt32>, then word: UInt32) {
        var packed = SIMD8<UInt32>(repeating: NGram.empty)
        var n = 0
        for id in context where n < NGram.maxOrder - 1 { packed[n] = id; n += 1 }
        packed[n] = word
        self.init(packed: packed, count: n + 1)
    }

    public subscript(_ i: Int) -> UInt32 { ids[i] }

    /// All but the first id: the lower-order n-gram that Kneser-Ney backs off to.
    var suffix: NGram {
        let shifted = SIMD8<UInt32>(ids[1], ids[2], ids[3], ids[4], ids[5], ids[6], ids[7], NGram.empty)
        return NGram(packed: shifted, count: Swift.max(count - 1, 0))
    }

    /// All but the last id: the context of the last id.
    var context: NGram {
        guard count > 0 else { return self }
        var packed = ids
        packed[count - 1] = NGram.empty
        return NGram(packed: packed, count: count - 1)
    }
}
