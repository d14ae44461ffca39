import KubeClient

/// KubeClient's watch event; this file imports no other module that declares a `WatchEvent`
/// (KubeAPIServer does, and the module `KubeClient` is shadowed by its class of the same name).
typealias ClientWatchEvent = WatchEvent
