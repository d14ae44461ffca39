import Foundation
import KratixAPI
import KubeClient
import KubeModel
import KubeRuntime
import Logging

/// Installs the Promise a PromiseRelease points at, pinned to its version, and deletes it with the
/// release (spec §9). Only `sourceRef.type: http` exists.
public struct PromiseReleaseReconciler: Sendable {
    public static let installedStatus = "Installed"
    public static let errorStatus = "Error installing"
    public static let conditionType = "Installed"

    public let client: KubeClient
    public let fetcher: any PromiseFetching
    let events: SchedulingEventSink
    let logger: Logger

    public init(client: KubeClient, events: EventRecorder, fetcher: any PromiseFetching = HTTPPromiseFetcher(),
                logger: Logger = Logger(label: "kratix.controller.promiserelease")) {
        self.client = client
        self.fetcher = fetcher
        self.events = SchedulingEventSink(recorder: events, logger: logger)
        self.logger = logger
    }

    public func reconcile(_ key: ObjectKey) async throws -> ReconcileAction {
        let releases = client.api(PromiseRelease.self)
        guard var release = try await releases.getOptional(key.name) else { return .done }
        if release.metadata.isBeingDeleted { return try await delete(release) }
        if !release.metadata.hasFinalizer(KratixFinalizers.promiseCleanup) {
            // The change brings the next pass (this controller sees every change of its releases).
            _ = try await Finalizers.add(KratixFinalizers.promiseCleanup, to: release, client: client)
            return .done
        }

        // Already installed at the desired version?
        let installed = try await releasedPromises(release)
        if installed.count > 1 {
            throw SchedulingError(.ambiguous("expected 0 or 1 promises labelled \(KratixLabels.promiseReleaseName)=\(release.name), got \(installed.count)"))
        }
        let desiredVersion = release.spec.version ?? ""
        if let promise = installed.first, promise.metadata.label(KratixLabels.promiseVersion) == desiredVersion {
            try await setStatus(&release, installed: true, reason: "InstalledSuccessfully", message: "Installed successfully")
            return .done
        }

        let source = release.spec.sourceRef ?? PromiseReleaseSpec.SourceRef()
        guard (source.type ?? "http") == "http" else {
            logger.error("unknown sourceRef type; not requeueing", metadata: ["promiseRelease": "\(release.name)", "type": "\(source.type ?? "")"])
            return .done
        }

        let promise: Promise
        do {
            let authorization = try await authorizationHeader(release)
            promise = try await fetcher.fetchPromise(from: source.url ?? "", authorization: authorization)
        } catch {
            try await setStatus(&release, installed: false, reason: "FailedToFetchPromise", message: "Failed to fetch Promise from URL")
            throw error
        }

        guard let version = promise.metadata.label(KratixLabels.promiseVersion) else {
            try await setStatus(&release, installed: false, reason: "VersionLabelNotFound", message: "Version label not found on Promise")
            throw SchedulingError(.invalidDocument(source: source.url ?? "",
                                                   detail: "version label (\(KratixLabels.promiseVersion)) not found on promise; refusing to install"))
        }
        if desiredVersion.isEmpty {
            // Pin the release to what was fetched; the update triggers the install.
            release.spec.version = version
            return try await SchedulingAPI.update(releases, release).lostAction ?? .done
        }
        guard version == desiredVersion else {
            try await setStatus(&release, installed: false, reason: "VersionNotMatching",
                                message: "Version labels do not match, found: \(version), expected: \(desiredVersion)")
            throw SchedulingError(.invalidDocument(source: source.url ?? "",
                                                   detail: "version label on promise (\(version)) does not match version on promise release (\(desiredVersion)); refusing to install"))
        }

        do {
            try await install(promise, for: release)
        } catch {
            let reason = (error as? ClientError).map { if case .invalid = $0 { return "Invalid Promise" } else { return "Failed" } } ?? "Failed"
            await events.record(.warning(reason, "Failed to install Promise \"\(promise.name)\": \(error)"), on: release)
            try await setStatus(&release, installed: false, reason: "FailedToCreateOrUpdatePromise", message: "Failed to create or update Promise")
            throw error
        }
        try await setStatus(&release, installed: true, reason: "InstalledSuccessfully", message: "Installed successfully")
        return .done
    }

    /// Create or update: the fetched spec replaces the existing one, fetched labels win over existing
    /// ones, annotations are added, and the release becomes the controlling owner.
    private func install(_ fetched: Promise, for release: PromiseRelease) async throws {
        let promises = client.api(Promise.self)
        let existing = try await promises.getOptional(fetched.name)
        var promise = existing ?? Promise(name: fetched.name)
        promise.spec = fetched.spec
        var labels = promise.metadata.labels ?? [:]
        for (k, v) in fetched.metadata.labels ?? [:] { labels[k] = v }
        labels[KratixLabels.promiseReleaseName] = release.name
        promise.metadata.labels = labels
        if let annotations = fetched.metadata.annotations, !annotations.isEmpty {
            promise.metadata.annotations = (promise.metadata.annotations ?? [:]).merging(annotations) { _, new in new }
        }
        let reference = OwnerReference(apiVersion: release.apiVersion, kind: PromiseRelease.apiKind, name: release.name,
                                       uid: release.metadata.uid ?? "", controller: true, blockOwnerDeletion: true)
        var references = promise.metadata.ownerReferences ?? []
        if let other = references.first(where: { $0.controller == true && !($0.kind == reference.kind && $0.name == reference.name) }) {
            throw SchedulingError(.alreadyOwned(object: "Promise \(promise.name)", owner: "\(other.kind)/\(other.name)"))
        }
        references.removeAll { $0.kind == reference.kind && $0.name == reference.name }
        references.append(reference)
        promise.metadata.ownerReferences = references
        if existing == nil {
            _ = try await promises.create(promise)
        } else {
            _ = try await promises.update(promise)
        }
    }

    /// The `authorizationHeader` key of `sourceRef.secretRef` (namespace required: the release is
    /// cluster-scoped).
    private func authorizationHeader(_ release: PromiseRelease) async throws -> String? {
        guard let reference = release.spec.sourceRef?.secretRef, let name = reference.name, !name.isEmpty else { return nil }
        guard let namespace = reference.namespace, !namespace.isEmpty else {
            throw SchedulingError(.missingField(object: "PromiseRelease \(release.name)", field: "spec.sourceRef.secretRef.namespace"))
        }
        let secret: KubeObject
        do {
            secret = try await client.get(.secrets, name: name, namespace: namespace)
        } catch {
            throw SchedulingError(.api(operation: "get", object: "Secret \(namespace)/\(name)", detail: "\(error)"))
        }
        let data = SecretValues.decode(secret)
        return data["authorizationHeader"].map { String(decoding: $0, as: UTF8.self) }
    }

    private func releasedPromises(_ release: PromiseRelease) async throws(ClientError) -> [Promise] {
        try await client.api(Promise.self).listAll(ListOptions(labelSelector: "\(KratixLabels.promiseReleaseName)=\(release.name)")).items
    }

    /// Deletes every Promise of the release and waits for them to go before the finalizer does.
    private func delete(_ release: PromiseRelease) async throws -> ReconcileAction {
        guard release.metadata.hasFinalizer(KratixFinalizers.promiseCleanup) else { return .done }
        let promises = try await releasedPromises(release)
        if promises.isEmpty {
            try await Finalizers.remove([KratixFinalizers.promiseCleanup], from: release, client: client)
            return .done
        }
        for promise in promises where !promise.metadata.isBeingDeleted {
            try await SchedulingAPI.delete(client.api(Promise.self), promise.name)
        }
        return .requeueAfter(SchedulingTimings.defaultRequeue)
    }

    /// Upstream skips the write when the condition already has this reason and message.
    private func setStatus(_ release: inout PromiseRelease, installed: Bool, reason: String, message: String) async throws {
        var status = release.status ?? PromiseReleaseStatus()
        if let current = status.conditions?[type: Self.conditionType], current.reason == reason, current.message == message {
            return
        }
        status.status = installed ? Self.installedStatus : Self.errorStatus
        var conditions = status.conditions ?? []
        conditions.set(Condition(type: Self.conditionType, status: installed ? .true : .false, reason: reason, message: message))
        status.conditions = conditions
        release.status = status
        do {
            release = try await client.api(PromiseRelease.self).updateStatus(release)
        } catch {
            logger.error("failed to update PromiseRelease status", metadata: ["promiseRelease": "\(release.name)", "error": "\(error)"])
        }
    }
}
