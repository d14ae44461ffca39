import Testing

@testable import KubeAPIServer

/// A watch's outbox hands its writer everything waiting at once, in order; a full outbox ends the
/// watch after what it accepted; an ended or cancelled one gives nil once empty.
@Suite struct WatchOutboxTests {
    @Test func whatWaitsGoesOutTogetherInOrder() async {
        let outbox = WatchOutbox<Int>(capacity: 8)
        #expect(outbox.push(1) && outbox.push(2) && outbox.push(3))
        #expect(await outbox.next() == [1, 2, 3])
        // A writer gets the next item whether it waits first or comes after.
        let waiting = Task { await outbox.next() }
        #expect(outbox.push(4))
        #expect(await waiting.value == [4])
    }

    @Test func aFullOutboxEndsAfterWhatItAccepted() async {
        let outbox = WatchOutbox<Int>(capacity: 2)
        #expect(outbox.push(1) && outbox.push(2))
        #expect(!outbox.push(3), "the third does not fit")
        #expect(!outbox.push(4), "and nothing is taken after the end")
        #expect(await outbox.next() == [1, 2])
        #expect(await outbox.next() == nil)
    }

    @Test func finishingWakesTheWriterAndCancellingEndsIt() async {
        let finished = WatchOutbox<Int>(capacity: 4)
        let waiting = Task { await finished.next() }
        finished.finish()
        #expect(await waiting.value == nil)

        let cancelled = WatchOutbox<Int>(capacity: 4)
        let writer = Task { await cancelled.next() }
        writer.cancel()
        #expect(await writer.value == nil)
        #expect(!cancelled.push(1), "a cancelled writer's outbox takes nothing more")
    }
}
