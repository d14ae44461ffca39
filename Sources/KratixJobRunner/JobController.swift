import Foundation
import KubeClient
import KubeModel
import KubeRuntime
import Logging

/// The IO side of the Job controller: takes a Job and its pods from the informer caches, lets
/// ``JobSync`` decide, and carries the decision out — creating pods (handed to the
/// ``PodScheduler``), stopping them, writing the Job's status, deleting it when its time to live is
/// over — and runs the pods it was given. It runs on the controller runtime (`Controller`,
/// `WorkQueue`, informers) like every other controller of the project.
struct JobController: Sendable {
    static let jobNameLabel = "batch.kubernetes.io/job-name"
    static let legacyJobNameLabel = "job-name"
    static let controllerUIDLabel = "batch.kubernetes.io/controller-uid"
    static let legacyControllerUIDLabel = "controller-uid"

    let client: KubeClient
    let executor: PodExecutor
    let scheduler: PodScheduler
    /// The controller's queue, for Jobs whose pods finished here.
    let queue: WorkQueue<ObjectKey>
    /// The pods of this node (indexed by ``controllerUIDLabel``), kept current by an informer.
    let pods: ObjectCache
    let nodeName: String
    let retryBackoff: Backoff
    let logger: Logger

    // MARK: Reconcile

    /// One pass over a Job; a failure comes back a second later.
    func reconcile(_ job: KubeObject) async -> ReconcileAction {
        let snapshot = JobSnapshot(job)
        if job.deletionTimestamp != nil { _ = await scheduler.cancelJob(uid: snapshot.uid, reason: .deleted) }
        do {
            // Local pods first, then the cached ones: a pod's final status reaches the cache (the
            // write-through of the runner's own write) before the pod leaves the local set, so one
            // that left it shows as finished here. The other order could see it running in the
            // cache and gone from the set: an orphan.
            let localPods = await scheduler.localPods
            let pods = self.pods.list(namespace: snapshot.namespace, labels: [Self.controllerUIDLabel: snapshot.uid])
                .filter { pod in pod.metadata.ownerReferences?.contains { $0.uid == snapshot.uid } ?? false }
            let sync = JobSync(job: snapshot, pods: pods.map(PodSnapshot.init), localPods: localPods, now: Date(), retryBackoff: retryBackoff)
            var result = sync.sync()
            try await apply(&result, job: job, snapshot: snapshot, pods: pods)
            return result.requeueAfter.map { ReconcileAction.requeueAfter($0) } ?? .done
        } catch {
            logger.warning("job reconcile failed; retrying", metadata: ["job": "\(snapshot.key)", "error": "\(error)"])
            return .requeueAfter(.seconds(1))
        }
    }

    private func apply(_ result: inout JobSync.Result, job: KubeObject, snapshot: JobSnapshot, pods: [KubeObject]) async throws(ClientError) {
        for termination in result.terminate {
            try await terminate(termination, pods: pods)
        }
        var created = 0
        for _ in 0..<result.createPods {
            do {
                guard await !scheduler.isDeleted(job: snapshot.uid) else { break }
                let pod = try await createPod(for: job, snapshot: snapshot)
                let accepted = await scheduler.submit(PodScheduler.Entry(
                    pod: pod, uid: pod.uid ?? "", jobUID: snapshot.uid, jobKey: snapshot.objectKey, cancellation: PodCancellation()))
                guard accepted else {
                    // The Job was deleted while this pass ran: the garbage collector has been and gone.
                    try await deletePod(pod)
                    break
                }
                created += 1
                logger.info("pod created", metadata: ["job": "\(snapshot.key)", "pod": "\(pod.name ?? "")"])
            } catch {
                logger.warning("pod could not be created", metadata: ["job": "\(snapshot.key)", "error": "\(error)"])
                result.requeue(after: .seconds(1))
                break
            }
        }
        if var status = result.status {
            status.active -= result.createPods - created
            _ = try await client.patch(.jobs, name: snapshot.name, namespace: snapshot.namespace, .merge(["status": status.json]), subresource: "status")
        }
        if result.deleteJob {
            logger.info("job deleted after ttlSecondsAfterFinished", metadata: ["job": "\(snapshot.key)"])
            do {
                _ = try await client.delete(.jobs, name: snapshot.name, namespace: snapshot.namespace, options: DeleteOptions(propagationPolicy: .background))
            } catch .notFound {}
        }
    }

    private func terminate(_ termination: JobSync.Termination, pods: [KubeObject]) async throws(ClientError) {
        let disposition = await scheduler.cancel(termination.pod.uid, reason: termination.reason)
        guard let pod = pods.first(where: { $0.uid == termination.pod.uid }) else { return }
        if termination.delete {
            try await deletePod(pod)
            return
        }
        // A running pod writes its own final status when its processes have stopped.
        guard disposition != .wasRunning else { return }
        try await markFailed(pod, reason: termination.reason)
    }

    /// Marks a pod this runner does not run as `Failed` (its containers as ended, state unknown).
    func markFailed(_ pod: KubeObject, reason: PodCancellation.Reason) async throws(ClientError) {
        let now = Timestamp.format(Date())
        var status = pod.status ?? .object([:])
        for field in ["initContainerStatuses", "containerStatuses"] {
            guard let containers = status[field]?.arrayValue else { continue }
            status[field] = .array(containers.map { container in
                var container = container
                guard container[path: ["state", "terminated"]] == nil else { return container }
                if let startedAt = container[path: ["state", "running", "startedAt"]] {
                    container["state"] = ["terminated": [
                        "exitCode": 137, "reason": "ContainerStatusUnknown", "startedAt": startedAt, "finishedAt": .string(now),
                        "message": "The container could not be located when the pod was terminated",
                    ]]
                    container["ready"] = false
                    container["started"] = false
                }
                return container
            })
        }
        var conditions = (status["conditions"]?.arrayValue ?? []).filter { $0["type"] != "Ready" && $0["type"] != "ContainersReady" }
        conditions.append(["type": "Ready", "status": "False", "reason": "PodCompleted", "lastProbeTime": .null, "lastTransitionTime": .string(now)])
        conditions.append(["type": "ContainersReady", "status": "False", "reason": "PodCompleted", "lastProbeTime": .null, "lastTransitionTime": .string(now)])
        status["conditions"] = .array(conditions)
        status["phase"] = "Failed"
        status["reason"] = reason.podReason.map(JSONValue.string) ?? .null
        status["message"] = .string(reason.message)
        // The pod as this decision saw it: a pod that finished in the meantime (its Succeeded
        // status written after the snapshot was taken) must not be turned into a failure.
        var patch: JSONObject = ["status": status]
        if let resourceVersion = pod.resourceVersion { patch["metadata"] = ["resourceVersion": .string(resourceVersion)] }
        do {
            _ = try await client.patch(.pods, name: pod.name ?? "", namespace: pod.namespace, .merge(.object(patch)), subresource: "status")
        } catch .notFound {
            return
        } catch .conflict {
            logger.debug("pod changed before it could be marked failed; looking again", metadata: ["pod": "\(pod.namespace ?? "")/\(pod.name ?? "")"])
            return
        }
        logger.info("pod marked failed", metadata: ["pod": "\(pod.namespace ?? "")/\(pod.name ?? "")", "reason": "\(reason.message)"])
    }

    /// A pod for one attempt of `job`: the template, the Job's labels and owner reference, bound to
    /// this runner's node.
    private func createPod(for job: KubeObject, snapshot: JobSnapshot) async throws(ClientError) -> KubeObject {
        let template = job.spec?["template"] ?? .object([:])
        let templateObject: JSONObject = ["metadata": template["metadata"] ?? .object([:])]
        var labels = KubeObject(templateObject).labels
        labels[Self.jobNameLabel] = snapshot.name
        labels[Self.legacyJobNameLabel] = snapshot.name
        labels[Self.controllerUIDLabel] = snapshot.uid
        labels[Self.legacyControllerUIDLabel] = snapshot.uid
        var spec = template["spec"] ?? .object([:])
        spec["nodeName"] = .string(nodeName)
        if spec["serviceAccountName"]?.stringValue == nil { spec["serviceAccountName"] = .string(spec["serviceAccount"]?.stringValue ?? "default") }
        var metadata: JSONObject = [
            "namespace": .string(snapshot.namespace),
            "ownerReferences": [[
                "apiVersion": "batch/v1", "kind": "Job", "name": .string(snapshot.name), "uid": .string(snapshot.uid),
                "controller": true, "blockOwnerDeletion": true,
            ]],
        ]
        var labelObject = JSONObject()
        for key in labels.keys.sorted() { labelObject[key] = .string(labels[key] ?? "") }
        metadata["labels"] = .object(labelObject)
        if let annotations = template[path: ["metadata", "annotations"]], annotations.objectValue?.isEmpty == false {
            metadata["annotations"] = annotations
        }
        let now = Timestamp.format(Date())
        var status: JSONValue = [
            "phase": "Pending",
            "conditions": [["type": "PodScheduled", "status": "True", "lastProbeTime": .null, "lastTransitionTime": .string(now)]],
        ]
        if await scheduler.isFull {
            // Operators see why the pod does not start (STATUS, conditions, an Event); the
            // runner's first status write when it starts clears it.
            let message = "waiting for a free slot: the runner runs \(await scheduler.slots) pods at once"
            status["reason"] = .string(Self.waitingReason)
            status["message"] = .string(message)
            status["conditions"] = .array((status["conditions"]?.arrayValue ?? []) + [[
                "type": "Ready", "status": "False", "reason": .string(Self.waitingReason), "message": .string(message),
                "lastProbeTime": .null, "lastTransitionTime": .string(now),
            ]])
        }
        // Upstream's generateName: the Job name cut so that the name with its suffix fits 63 characters.
        let base = String(snapshot.name.prefix(58))
        for _ in 0..<5 {
            metadata["name"] = .string("\(base)-\(Self.randomSuffix())")
            let object: JSONObject = ["apiVersion": "v1", "kind": "Pod", "metadata": .object(metadata), "spec": spec, "status": status]
            let pod = KubeObject(object)
            do {
                return try await client.create(.pods, pod, namespace: snapshot.namespace)
            } catch .alreadyExists {
                continue
            }
        }
        throw .configuration("no free pod name for job \(snapshot.key) after 5 attempts")
    }

    /// The status reason of a pod created while every runner slot is taken.
    static let waitingReason = "WaitingForRunnerSlot"

    static func randomSuffix() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<5).map { _ in alphabet.randomElement() ?? "x" })
    }

    // MARK: Running pods

    /// Runs a pod the scheduler handed out, writes its statuses, then frees its slot and has its Job
    /// reconciled. The final status is written before the slot is freed, so a reconcile never sees
    /// a pod that is neither running here nor finished.
    func runPod(_ entry: PodScheduler.Entry) async {
        let writer = APIPodStatusWriter(client: client, logger: logger)
        let status = await executor.run(entry.pod, reporter: writer, cancellation: entry.cancellation)
        await writer.flush()
        logger.info("pod finished", metadata: ["pod": "\(entry.pod.namespace ?? "")/\(entry.pod.name ?? "")", "phase": "\(status.phase.rawValue)"])
        await scheduler.finished(entry.uid)
        await queue.add(entry.jobKey)
    }

    // MARK: Events

    /// A Job went: its pods stop at once, and pods a reconcile created for it after the garbage
    /// collector ran are deleted.
    func jobDeleted(_ job: KubeObject) async {
        guard let uid = job.uid else { return }
        _ = await scheduler.jobDeleted(uid: uid)
        do {
            let pods = try await client.list(.pods, namespace: job.namespace, options: ListOptions(labelSelector: "\(Self.controllerUIDLabel)=\(uid)"))
            for pod in pods.items { try await deletePod(pod) }
        } catch {
            logger.warning("pods of a deleted job could not be listed or deleted", metadata: ["job": "\(job.key)", "error": "\(error)"])
        }
    }

    private func deletePod(_ pod: KubeObject) async throws(ClientError) {
        do {
            _ = try await client.delete(.pods, name: pod.name ?? "", namespace: pod.namespace, options: DeleteOptions(propagationPolicy: .background))
        } catch {
            guard case .notFound = error else { throw error }
        }
    }

    /// A pod of this node went or is being deleted: its processes stop. (Its Job is reconciled
    /// through the controller's owner trigger.)
    func podChanged(_ event: InformerEvent) async {
        let pod = event.object
        guard case .deleted = event else {
            if pod.deletionTimestamp != nil, let uid = pod.uid { _ = await scheduler.cancel(uid, reason: .deleted) }
            return
        }
        if let uid = pod.uid { _ = await scheduler.cancel(uid, reason: .deleted) }
    }

    /// At start: pods of this node left `Pending` or `Running` by an earlier runner process are
    /// failed (their processes died with it), so their Jobs retry within `backoffLimit`.
    func failAbandonedPods() async throws(ClientError) {
        let local = await scheduler.localPods  // before the list, as in a Job's reconcile
        let pods = try await client.listAll(.pods, options: ListOptions(fieldSelector: "spec.nodeName=\(nodeName)"))
        for pod in pods.items {
            let snapshot = PodSnapshot(pod)
            guard snapshot.isActive, !local.contains(snapshot.uid) else { continue }
            try await markFailed(pod, reason: JobSync.nodeLost)
            if let job = pod.metadata.controllerReference, job.kind == "Job" {
                await queue.add(ObjectKey(namespace: pod.namespace ?? "default", name: job.name))
            }
        }
    }
}
