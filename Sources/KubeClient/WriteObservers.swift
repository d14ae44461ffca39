import KubeModel
import Synchronization

/// Who hears of the objects this client wrote: a controller manager feeds them into its informer
/// caches at once, so a reconcile reads its own writes instead of a cache that the watch has not
/// caught up with yet (controller-runtime's cached client lacks this, and its controllers meet
/// the stale object as a conflict or, worse, act on it twice).
///
/// An observer runs after the server accepted the write and before the write call returns, with
/// the object as the server answered. Dry runs and subresources other than `status` are not
/// reported.
public final class WriteObservers: Sendable {
    public typealias Observer = @Sendable (GroupVersionResource, KubeObject) async -> Void

    public struct ID: Hashable, Sendable { let raw: Int }

    private struct State {
        var observers: [Int: Observer] = [:]
        var next = 0
    }

    private let state = Mutex(State())

    init() {}

    @discardableResult
    public func add(_ observer: @escaping Observer) -> ID {
        state.withLock { state in
            let id = state.next
            state.next += 1
            state.observers[id] = observer
            return ID(raw: id)
        }
    }

    public func remove(_ id: ID) {
        _ = state.withLock { $0.observers.removeValue(forKey: id.raw) }
    }

    func notify(_ resource: GroupVersionResource, _ object: KubeObject, subresource: String?, dryRun: Bool) async {
        guard !dryRun, subresource == nil || subresource == "status" else { return }
        let observers = state.withLock { Array($0.observers.values) }
        for observer in observers { await observer(resource, object) }
    }
}
