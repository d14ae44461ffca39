import KratixAPI
import KubeClient
import KubeModel

extension PipelineAdapter {
    /// The error a failed Work write becomes. When the API server refuses the Work for good (413:
    /// the pipeline's output is larger than a request may be), retrying the pipeline cannot help,
    /// so the reason also goes at once onto the status of the object the pipeline ran for
    /// (`status.message`, what `kubectl get` shows), instead of that object saying "Pending"
    /// while its Job retries and then only "A Configure Pipeline has failed".
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

    /// Sets `status.message` of the Promise or resource request the pipeline ran for; best effort
    /// (the pod's log has the reason in any case).
    static func reportOnObject(client: KubeClient, options: WorkCreatorOptions, message: String) async {
        let patch = Patch.merge(["status": ["message": .string(message)]])
        do {
            if options.workflowType == "promise" {
                _ = try await client.patch(Promise.groupVersionResource, name: options.promiseName, patch, subresource: "status")
                return
            }
            guard let name = options.resourceName else { return }
            let promise = try await client.get(Promise.groupVersionResource, name: options.promiseName)
            guard let resource = requestResource(ofPromise: promise) else { return }
            _ = try await client.patch(resource, name: name, namespace: options.resourceNamespace ?? options.namespace, patch,
                                       subresource: "status")
        } catch {
            return
        }
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
