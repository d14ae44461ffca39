import KubeClient
import KubeModel

extension Watcher {
    /// The list-then-watch protocol as a value type: it says what to request next and turns what
    /// came back into `WatcherEvent`s; the IO lives in `Watcher`. It resumes a closed watch from the
    /// last resourceVersion seen (bookmarks included) and relists only on `410 Gone`, so a flaky
    /// connection costs one request, not a full list.
    struct StateMachine: Sendable {
        enum State: Sendable, Equatable {
            /// Nothing listed yet, or the last list/watch expired: list from scratch.
            case initial
            /// Mid-list: the next page's continue token.
            case listing(continueToken: String)
            case watching(resourceVersion: String)
        }

        enum Action: Sendable, Equatable {
            case list(continueToken: String?)
            case watch(resourceVersion: String)
        }

        private(set) var state: State = .initial
        private(set) var failures = 0
        var backoffBase: Duration = .milliseconds(800)
        var backoffMaximum: Duration = .seconds(30)

        var nextAction: Action {
            switch state {
            case .initial: .list(continueToken: nil)
            case .listing(let token): .list(continueToken: token)
            case .watching(let rv): .watch(resourceVersion: rv)
            }
        }

        /// A page of the list arrived.
        mutating func listed(_ page: ObjectList) -> [WatcherEvent] {
            failures = 0
            var events: [WatcherEvent] = []
            if state == .initial { events.append(.initStarted) }
            events.reserveCapacity(page.items.count + 2)
            for item in page.items { events.append(.initApply(item)) }
            if let token = page.continueToken, !token.isEmpty {
                state = .listing(continueToken: token)
            } else {
                state = .watching(resourceVersion: page.resourceVersion)
                events.append(.initDone(resourceVersion: page.resourceVersion))
            }
            return events
        }

        /// One event of the open watch.
        mutating func received(_ event: WatchEvent) -> WatcherEvent? {
            failures = 0
            if let rv = event.object.resourceVersion, !rv.isEmpty { state = .watching(resourceVersion: rv) }
            switch event.type {
            case .added, .modified: return .apply(event.object)
            case .deleted: return .delete(event.object)
            case .bookmark: return nil
            }
        }

        /// The server closed the watch (its timeout, or a restart): watch again from where we were.
        mutating func streamEnded() {}

        /// A request failed. Returns how long to wait before the next action.
        mutating func failed(_ error: any Error) -> Duration {
            if case .gone = error as? ClientError {
                // The resourceVersion (or a list's continue token) is older than the server keeps:
                // only a fresh list can tell what changed, including deletions we missed.
                state = .initial
                failures = 0
                return .zero
            }
            if case .listing = state {
                // A half-read list cannot be resumed safely once its snapshot may be gone.
                state = .initial
            }
            failures += 1
            let exponent = Swift.min(failures - 1, 16)
            let delay = backoffBase * Double(1 << exponent)
            return Swift.min(delay, backoffMaximum)
        }
    }
}
