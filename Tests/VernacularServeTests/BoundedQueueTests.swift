import Testing
@testable import VernacularServe

struct BoundedQueueTests {
    @Test func refusesPastItsCapacityAndKeepsOrder() {
        var queue = BoundedQueue<Int>(capacity: 3)
        let accepted = [queue.push(1), queue.push(2), queue.push(3)]
        #expect(accepted == [true, true, true])
        #expect(queue.isFull)
        let fourth = queue.push(4)
        #expect(!fourth, "the fourth is refused")
        #expect(queue.count == 3)
        #expect(queue.pop() == 1)
        let again = queue.push(4)
        #expect(again, "a freed place takes one more")
        #expect([queue.pop(), queue.pop(), queue.pop(), queue.pop()] == [2, 3, 4, nil])
    }

    @Test func removesCancelledElementsAndStaysBoundedOverManyCycles() {
        var queue = BoundedQueue<Int>(capacity: 4)
        var refused = 0
        for round in 0..<1000 {
            if !queue.push(round) { refused += 1 }
            if round % 2 == 1 { _ = queue.pop() }
            while queue.count > 3 { _ = queue.pop() }
        }
        #expect(refused == 0)
        #expect(queue.count == 3)
        let removed = queue.removeAll { $0 % 2 == 0 }
        #expect(removed.allSatisfy { $0 % 2 == 0 } && !removed.isEmpty)
        #expect(queue.drain().allSatisfy { $0 % 2 == 1 })
        #expect(queue.isEmpty)
    }

    @Test func capacityZeroTakesNothing() {
        var queue = BoundedQueue<String>(capacity: 0)
        let accepted = queue.push("x")
        #expect(!accepted)
    }
}
