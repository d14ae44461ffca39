import KubeModel

/// Which keys a change to a watched object enqueues: the object itself (the controller's own
/// resource), its controlling owner (a Job enqueues its Promise), or any mapping (a Destination
/// enqueues every Work).
public struct Trigger: Sendable {
    public let keys: @Sendable (KubeObject) -> [ObjectKey]

    public init(_ keys: @escaping @Sendable (KubeObject) -> [ObjectKey]) { self.keys = keys }

    public static let primary = Trigger { [ObjectKey($0)] }

    /// The owners of the given kind (only the controller owner when `controllerOnly`). Owners of a
    /// namespaced object live in its namespace, unless `ownerNamespaced` is false.
    public static func owner(kind: String, group: String, controllerOnly: Bool = true, ownerNamespaced: Bool = true) -> Trigger {
        Trigger { object in
            let references = object.json["metadata"]?["ownerReferences"]?.arrayValue ?? []
            return references.compactMap { ref -> ObjectKey? in
                guard ref["kind"]?.stringValue == kind,
                      let apiVersion = ref["apiVersion"]?.stringValue,
                      (GroupVersion(apiVersion: apiVersion)?.group ?? "") == group,
                      let name = ref["name"]?.stringValue else { return nil }
                if controllerOnly, ref["controller"]?.boolValue != true { return nil }
                return ObjectKey(namespace: ownerNamespaced ? ObjectKey(object).namespace : nil, name: name)
            }
        }
    }

    public static func map(_ transform: @escaping @Sendable (KubeObject) -> [ObjectKey]) -> Trigger { Trigger(transform) }
}

/// Which informer events reach a trigger; updates that change nothing the controller reads are
/// dropped before they cost a reconcile.
public struct EventFilter: Sendable {
    public let accepts: @Sendable (InformerEvent) -> Bool

    public init(_ accepts: @escaping @Sendable (InformerEvent) -> Bool) { self.accepts = accepts }

    public static let all = EventFilter { _ in true }

    /// Updates pass only when `metadata.generation` changed (spec edits, not status writes).
    public static let generationChanged = onUpdate { $0.generation != $1.generation }
    public static let labelsChanged = onUpdate { $0.labels != $1.labels }
    public static let annotationsChanged = onUpdate { $0.annotations != $1.annotations }
    /// Drops periodic resyncs (same resourceVersion).
    public static let resourceVersionChanged = onUpdate { $0.resourceVersion != $1.resourceVersion }
    /// Updates pass when deletion starts (deletionTimestamp appears).
    public static let deletionStarted = onUpdate { $0.deletionTimestamp == nil && $1.deletionTimestamp != nil }

    /// What a controller's own status and finalizer writes never change: the spec (generation),
    /// labels, annotations and the start of deletion. The primary filter of a controller that
    /// finishes each pass itself rather than waiting for its writes to come back as events.
    public static let specOrLifecycleChanged = onUpdate { old, new in
        old.generation != new.generation || old.labels != new.labels || old.annotations != new.annotations
            || old.deletionTimestamp != new.deletionTimestamp
    }

    /// Updates pass when the `Ready` condition's status or message changed.
    public static let readyChanged = onUpdate { readyCondition($0) != readyCondition($1) }

    /// `status` and `message` of the `Ready` condition.
    static func readyCondition(_ object: KubeObject) -> [String?] {
        let ready = (object.status?["conditions"]?.arrayValue ?? []).first { $0["type"]?.stringValue == "Ready" }
        return [ready?["status"]?.stringValue, ready?["message"]?.stringValue]
    }

    /// Adds and deletes pass or not by the flags; updates when `changed(old, new)`.
    public static func on(added: Bool, deleted: Bool, updated changed: @escaping @Sendable (KubeObject, KubeObject) -> Bool) -> EventFilter {
        EventFilter { event in
            switch event {
            case .added: return added
            case .deleted: return deleted
            case .updated(let old, let new): return changed(old, new)
            }
        }
    }

    /// Adds and deletes always pass; updates pass when `changed(old, new)`.
    public static func onUpdate(_ changed: @escaping @Sendable (KubeObject, KubeObject) -> Bool) -> EventFilter {
        EventFilter { event in
            if case .updated(let old, let new) = event { return changed(old, new) }
            return true
        }
    }

    public static func any(_ filters: [EventFilter]) -> EventFilter {
        EventFilter { event in filters.contains { $0.accepts(event) } }
    }
}
