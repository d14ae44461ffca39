import Foundation
import KratixAPI
import KubeClient
import KubeModel

extension PipelineAdapter {
    /// The error a failed Work write becomes. When the API server refuses the Work for good (413:
    /// the pipeline's output is larger than a request may be), retrying the pipeline cannot help,
    /// so the reason also goes at once onto the status of the object the pipeline ran for
    /// (`status.message`, what `kubectl get` shows, and the pipeline's entry), instead of that
    /// object saying "Pending" while its Job retries and then only "A Configure Pipeline has failed".
    static func rejection(_ error: ClientError, client: KubeClient, options: WorkCreatorOptions, work: String, verb: String) async
        -> PipelineAdapterError
    {
        let file = "Work \(options.effectiveNamespace)/\(work)"
        guard error.code == 413 else {
            return PipelineAdapterError(.request, file: file, message: "cannot be \(verb): \(error)")
        }
        let server = error.status?.message ?? "\(error)"
        let message = "the pipeline's output is too large to store as a Work (the API server answered 413: \(server)); "
            + "write fewer or smaller files to /kratix/output"
        await reportOnObject(client: client, options: options,
                             message: "Pipeline \(options.pipelineName) failed: \(message)")
        return PipelineAdapterError(.invalidPipelineOutput, file: file, message: message)
    }

    /// Marks the pipeline `Failed` with the reason as its message (`PipelineStatus.message`) in the
    /// status of the Promise or resource request it ran for, and sets `status.message`; best effort
    /// (the pod's log has the reason in any case). The controller then fails the workflow and
    /// suspends the Job rather than retry what cannot succeed.
    static func reportOnObject(client: KubeClient, options: WorkCreatorOptions, message: String) async {
        let target: (resource: GroupVersionResource, name: String, namespace: String?)
        do {
            if options.workflowType == "promise" {
                target = (Promise.groupVersionResource, options.promiseName, nil)
            } else {
                guard let name = options.resourceName else { return }
                let promise = try await client.get(Promise.groupVersionResource, name: options.promiseName)
                guard let resource = requestResource(ofPromise: promise) else { return }
                target = (resource, name, options.resourceNamespace ?? options.namespace)
            }
        } catch {
            return
        }
        // Best effort: a failure after the retries is left to the pod's log.
        _ = try? await ConflictRetry.run(attempts: conflictAttempts) { () throws(ClientError) in
            var object = try await client.get(target.resource, name: target.name, namespace: target.namespace)
            var status = object.status?.objectValue ?? [:]
            status["message"] = .string(message)
            markFailed(&status, pipeline: options.pipelineName, message: message)
            object.status = .object(status)
            _ = try await client.updateStatus(target.resource, object)
        }
    }

    /// The pipeline's entry in `status.kratix.workflows.pipelines` (which the controller wrote
    /// before starting its Job) becomes `Failed` with the message (only the fields of the CRDs'
    /// status schema survive: an extra `reason` would be pruned).
    static func markFailed(_ status: inout JSONObject, pipeline: String, message: String, now: Date = Date()) {
        guard var kratix = status["kratix"]?.objectValue, var workflows = kratix["workflows"]?.objectValue,
              var entries = workflows["pipelines"]?.arrayValue,
              let index = entries.firstIndex(where: { $0["name"]?.stringValue == pipeline }),
              var entry = entries[index].objectValue else { return }
        if entry["phase"]?.stringValue != PipelineStatus.Phase.failed.rawValue {
            entry["lastTransitionTime"] = .string(Timestamp.format(now))
        }
        entry["phase"] = .string(PipelineStatus.Phase.failed.rawValue)
        entry["message"] = .string(message)
        entries[index] = .object(entry)
        workflows["pipelines"] = .array(entries)
        kratix["workflows"] = .object(workflows)
        status["kratix"] = .object(kratix)
    }

    /// The resource of a Promise's requests, from the CRD in its `spec.api` (its storage version).
    static func requestResource(ofPromise promise: KubeObject) -> GroupVersionResource? {
        guard let api = promise.spec?["api"]?["spec"], let group = api["group"]?.stringValue,
              let plural = api["names"]?["plural"]?.stringValue else { return nil }
        let versions = api["versions"]?.arrayValue ?? []
        guard let version = (versions.first { $0["storage"] == true } ?? versions.first)?["name"]?.stringValue else { return nil }
        return GroupVersionResource(group: group, version: version, resource: plural)
    }
}
