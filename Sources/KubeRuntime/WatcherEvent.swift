import KubeModel

/// What a watcher reports, as kube-rs' `watcher::Event`: a (re)list is framed by `initStarted` and
/// `initDone` so a cache can swap in the new state at once and notice objects that vanished while
/// no watch was open; between relists, single `apply`/`delete` events.
public enum WatcherEvent: Sendable {
    case initStarted
    case initApply(KubeObject)
    case initDone(resourceVersion: String)
    case apply(KubeObject)
    case delete(KubeObject)
}
