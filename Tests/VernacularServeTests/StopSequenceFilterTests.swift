import Testing
@testable import VernacularServe

struct StopSequenceFilterTests {
    /// Feeds pieces one by one; returns what would have been sent and whether it stopped.
    func run(_ pieces: [String], stops: [String]) -> (sent: [String], stopped: Bool) {
        var filter = StopSequenceFilter(stops: stops)
        var sent: [String] = []
        for piece in pieces {
            let output = filter.append(piece)
            if !output.ready.isEmpty { sent.append(output.ready) }
            if output.stopped { return (sent, true) }
        }
        let rest = filter.finish()
        if !rest.isEmpty { sent.append(rest) }
        return (sent, false)
    }

    @Test func aStopSplitAcrossPiecesIsNeverSent() {
        let result = run(["Hello ", "wor", "ld", "<|en", "d|> after"], stops: ["<|end|>"])
        #expect(result.stopped)
        #expect(result.sent.joined() == "Hello world")
        #expect(!result.sent.contains { $0.contains("<|") }, "no part of the stop went out: \(result.sent)")
    }

    @Test func heldBackTextIsReleasedWhenItIsNotAStop() {
        let result = run(["收工", "<|e", "x", " 啦"], stops: ["<|end|>"])
        #expect(!result.stopped)
        #expect(result.sent == ["收工", "<|ex", " 啦"], "'<|e' waited for the next piece, then went out with it")
    }

    @Test func theEarliestOfSeveralStopsWins() {
        let result = run(["a, b. c"], stops: [".", ","])
        #expect(result.stopped)
        #expect(result.sent == ["a"])
    }

    @Test func withoutStopsEverythingPassesAtOnce() {
        #expect(run(["一", "二", "three"], stops: []).sent == ["一", "二", "three"])
    }
}
