import KubeClient
import KubeModel
import KubeRuntime

/// The API calls the scheduling reconcilers make, with the outcomes they branch on (absent,
/// conflict) turned into values.
///
/// Besides reading better, this keeps `catch .notFound` patterns out of long async functions:
/// Swift 6.3.1's SILGen crashes ("Found ownership error") on some of those together with
/// definite initialisation.
enum SchedulingAPI {
    enum WriteOutcome<R: Sendable>: Sendable {
        case written(R)
        /// Another writer won (stale resourceVersion); run again from a fresh read.
        case conflict
        /// The object is gone.
        case gone

        /// What a reconcile returns when the write did not land: soon again after a conflict,
        /// nothing more when the object is gone; nil when it was written.
        var lostAction: ReconcileAction? {
            switch self {
            case .written: return nil
            case .conflict: return .requeueAfter(SchedulingTimings.fastRequeue)
            case .gone: return .done
            }
        }
    }

    static func update<R: KubeResource>(_ api: Api<R>, _ object: R) async throws(ClientError) -> WriteOutcome<R> {
        do {
            return .written(try await api.update(object))
        } catch {
            return try lost(error)
        }
    }

    static func updateStatus<R: KubeResource>(_ api: Api<R>, _ object: R) async throws(ClientError) -> WriteOutcome<R> {
        do {
            return .written(try await api.updateStatus(object))
        } catch {
            return try lost(error)
        }
    }

    static func updateStatus(_ client: KubeClient, _ resource: GroupVersionResource, _ object: KubeObject) async throws(ClientError) -> WriteOutcome<KubeObject> {
        do {
            return .written(try await client.updateStatus(resource, object))
        } catch {
            return try lost(error)
        }
    }

    /// Creates, or returns nil when the name is taken.
    static func create<R: KubeResource>(_ api: Api<R>, _ object: R) async throws(ClientError) -> R? {
        do {
            return try await api.create(object)
        } catch {
            if case .alreadyExists = error { return nil }
            throw error
        }
    }

    /// Deletes; an object already gone is not an error.
    static func delete<R: KubeResource>(_ api: Api<R>, _ name: String, options: DeleteOptions = .init()) async throws(ClientError) {
        do {
            _ = try await api.delete(name, options: options)
        } catch {
            if case .notFound = error { return }
            throw error
        }
    }

    private static func lost<R>(_ error: ClientError) throws(ClientError) -> WriteOutcome<R> {
        switch error {
        case .conflict: return .conflict
        case .notFound: return .gone
        default: throw error
        }
    }
}
