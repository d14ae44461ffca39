import Foundation
import KratixAPI
import KubeClient
import KubeModel
import KubeRuntime

/// Keeps a Promise's static-dependency Work in step with `spec.dependencies` (spec §2.7): created
/// when there are dependencies, its spec replaced when they change, deleted when the list becomes
/// empty. The Promise controller calls ``sync(_:)`` on every reconcile and ``delete(promise:)``
/// for its `dependencies-cleanup` finalizer.
public struct StaticDependencyWorkWriter: Sendable {
    public let client: KubeClient
    /// Where the Works are looked up: the informer caches in the manager.
    public let reader: any ObjectReader
    public let namespace: String

    public init(client: KubeClient, namespace: String = KratixGroup.systemNamespace, reader: (any ObjectReader)? = nil) {
        self.client = client
        self.namespace = namespace
        self.reader = reader ?? LiveReader(client: client)
    }

    /// The Work as it now is, or nil when the Promise has no dependencies.
    @discardableResult
    public func sync(_ promise: Promise, now: Date = Date()) async throws -> Work? {
        let works = client.api(Work.self, namespace: namespace)
        let existing = try await find(promise: promise.name)
        guard let spec = StaticDependencyWork.spec(for: promise) else {
            try await delete(promise: promise.name)
            return nil
        }
        guard let current = existing.first else {
            guard let work = StaticDependencyWork.newWork(for: promise, namespace: namespace) else { return nil }
            return try await works.create(work)
        }
        if existing.count > 1 {
            throw SchedulingError(.ambiguous("expected at most one static-dependency Work for Promise \(promise.name) in \(namespace), found \(existing.count)"))
        }
        guard current.spec != spec else { return current }
        var updated = current
        updated.spec = spec
        var annotations = updated.metadata.annotations ?? [:]
        annotations[KratixAnnotations.lastUpdatedAt] = Self.localTimeString(now)
        updated.metadata.annotations = annotations
        return try await works.update(updated)
    }

    /// Deletes the Promise's static-dependency Works (their WorkPlacements follow).
    public func delete(promise: String) async throws {
        let works = client.api(Work.self, namespace: namespace)
        for work in try await find(promise: promise) {
            try await SchedulingAPI.delete(works, work.name, options: DeleteOptions(propagationPolicy: .background))
        }
    }

    private func find(promise: String) async throws(ClientError) -> [Work] {
        try await reader.list(Work.self, namespace: namespace, labels: StaticDependencyWork.labels(promise: promise)).sorted { $0.name < $1.name }
    }

    /// Go's `time.Now().String()` layout, as upstream writes the annotation (informational only).
    static func localTimeString(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = .current
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss.SSSSSS Z zzz"
        return formatter.string(from: date)
    }
}
