/// A first-in first-out queue that refuses elements past its capacity, so load beyond what the
/// server can hold is answered at once (429) instead of piling up memory and latency.
public struct BoundedQueue<Element> {
    public let capacity: Int
    private var elements: [Element] = []
    private var head = 0

    public init(capacity: Int) { self.capacity = max(0, capacity) }

    public var count: Int { elements.count - head }
    public var isEmpty: Bool { count == 0 }
    public var isFull: Bool { count >= capacity }

    /// Appends `element`; false (and no change) when the queue is full.
    @discardableResult
    public mutating func push(_ element: Element) -> Bool {
        guard !isFull else { return false }
        elements.append(element)
        return true
    }

    /// The oldest element, removed.
    public mutating func pop() -> Element? {
        guard head < elements.count else { return nil }
        let element = elements[head]
        head += 1
        if head > 64, head * 2 > elements.count {   // reclaim the consumed front now and then
            elements.removeFirst(head)
            head = 0
        }
        return element
    }

    /// Removes every element for which `predicate` holds (cancelled requests), returning them.
    public mutating func removeAll(where predicate: (Element) -> Bool) -> [Element] {
        let live = elements[head...]
        let removed = live.filter(predicate)
        guard !removed.isEmpty else { return [] }
        elements = live.filter { !predicate($0) }
        head = 0
        return removed
    }

    /// Empties the queue, returning what it held.
    public mutating func drain() -> [Element] {
        defer { elements = []; head = 0 }
        return Array(elements[head...])
    }
}
