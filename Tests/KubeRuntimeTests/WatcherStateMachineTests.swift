import KubeClient
import KubeModel
import Testing

@testable import KubeRuntime

@Suite struct WatcherStateMachineTests {
    func object(_ name: String, rv: String) -> KubeObject {
        var o = KubeObject(apiVersion: "v1", kind: "ConfigMap", name: name, namespace: "default")
        o.resourceVersion = rv
        return o
    }

    @Test func listsPageByPageThenWatchesFromTheListsVersion() {
        var machine = Watcher.StateMachine()
        #expect(machine.nextAction == .list(continueToken: nil))
        let first = machine.listed(ObjectList(items: [object("a", rv: "3")], resourceVersion: "10", continueToken: "next"))
        #expect(first.count == 2)
        guard case .initStarted = first[0], case .initApply = first[1] else { Issue.record("unexpected \(first)"); return }
        #expect(machine.nextAction == .list(continueToken: "next"))
        let last = machine.listed(ObjectList(items: [object("b", rv: "4")], resourceVersion: "10", continueToken: nil))
        #expect(last.count == 2)
        guard case .initDone(let rv) = last[1] else { Issue.record("unexpected \(last)"); return }
        #expect(rv == "10")
        #expect(machine.nextAction == .watch(resourceVersion: "10"))
    }

    @Test func resumesAClosedWatchFromTheLastVersionSeenIncludingBookmarks() {
        var machine = Watcher.StateMachine()
        _ = machine.listed(ObjectList(items: [], resourceVersion: "10", continueToken: nil))
        let applied = machine.received(WatchEvent(type: .modified, object: object("a", rv: "12")))
        guard case .apply = applied else { Issue.record("expected apply"); return }
        #expect(machine.received(WatchEvent(type: .bookmark, object: object("", rv: "15"))) == nil)
        machine.streamEnded()
        #expect(machine.nextAction == .watch(resourceVersion: "15"))
        let deleted = machine.received(WatchEvent(type: .deleted, object: object("a", rv: "16")))
        guard case .delete = deleted else { Issue.record("expected delete"); return }
    }

    @Test func goneRelistsAtOnceAndOtherErrorsBackOffWithoutRelisting() {
        var machine = Watcher.StateMachine()
        _ = machine.listed(ObjectList(items: [], resourceVersion: "10", continueToken: nil))
        let transport = machine.failed(ClientError.transport("connection refused"))
        #expect(transport == .milliseconds(800))
        #expect(machine.failed(ClientError.transport("again")) == .milliseconds(1600))
        #expect(machine.nextAction == .watch(resourceVersion: "10"))
        let gone = machine.failed(ClientError.gone(APIStatus(code: 410, reason: "Expired", message: "too old")))
        #expect(gone == .zero)
        #expect(machine.nextAction == .list(continueToken: nil))
        for _ in 0..<20 { _ = machine.failed(ClientError.transport("down")) }
        #expect(machine.failed(ClientError.transport("down")) == .seconds(30))
    }

    @Test func aFailedListRestartsFromTheFirstPage() {
        var machine = Watcher.StateMachine()
        _ = machine.listed(ObjectList(items: [], resourceVersion: "10", continueToken: "page2"))
        _ = machine.failed(ClientError.transport("reset"))
        #expect(machine.nextAction == .list(continueToken: nil))
        let events = machine.listed(ObjectList(items: [], resourceVersion: "11", continueToken: nil))
        guard case .initStarted = events.first else { Issue.record("a restarted list must announce itself"); return }
    }
}
