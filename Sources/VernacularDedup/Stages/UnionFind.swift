/// Disjoint sets over document numbers 0..<count, with path halving and union by size: near
/// constant time per operation. 8 bytes per document.
struct UnionFind {
    private(set) var parent: [UInt32]
    private var size: [UInt32]

    init(count: Int) {
        parent = (0..<count).map { UInt32($0) }
        size = [UInt32](repeating: 1, count: count)
    }

    mutating func find(_ element: Int) -> Int {
        var node = element
        while Int(parent[node]) != node {
            let grand = parent[Int(parent[node])]
            parent[node] = grand
            node = Int(grand)
        }
        return node
    }

    /// Joins the sets of `a` and `b`; returns false when they were already one set.
    @discardableResult
    mutating func union(_ a: Int, _ b: Int) -> Bool {
        var rootA = find(a), rootB = find(b)
        guard rootA != rootB else { return false }
        if size[rootA] < size[rootB] { swap(&rootA, &rootB) }
        parent[rootB] = UInt32(rootA)
        size[rootA] += size[rootB]
        return true
    }
}
