import KubeModel

/// The kind of change a watch event reports. (ERROR events are thrown as ``ClientError``.)
public enum WatchEventType: String, Sendable, Hashable {
    case added = "ADDED"
    case modified = "MODIFIED"
    case deleted = "DELETED"
    /// No change: the object carries only `metadata.resourceVersion`, the point to resume from.
    case bookmark = "BOOKMARK"
}

/// One change seen by a watch.
public struct WatchEvent: Sendable, Equatable {
    public var type: WatchEventType
    public var object: KubeObject

    public init(type: WatchEventType, object: KubeObject) {
        self.type = type
        self.object = object
    }

    /// The version to resume from after this event.
    public var resourceVersion: String? { object.resourceVersion }
}
