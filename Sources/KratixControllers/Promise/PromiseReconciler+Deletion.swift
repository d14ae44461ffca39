import Foundation
import KratixAPI
import KubeClient
import KubeModel
import KubeRuntime

extension PromiseReconciler {
    // MARK: Deletion (§7.8)

    func delete(_ object: KubeObject, promise: Promise) async throws -> ReconcileAction {
        var object = object
        let finalizers = object.finalizers
        guard Self.allFinalizers.contains(where: finalizers.contains) else { return .done }
        let name = promise.name

        if finalizers.contains(KratixFinalizers.deleteWorkflows) {
            if let api = try? PromiseAPI.make(for: promise) {
                let running = try await client.listAll(.jobs, options: ListOptions(labelSelector: WorkflowEngine.selectorString([
                    KratixLabels.promiseName: name, KratixLabels.workflowType: "resource", KratixLabels.workflowAction: "configure",
                ]))).items.filter { WorkflowJob($0).isRunning }
                _ = api
                if !running.isEmpty { return .requeueAfter(.seconds(15)) }
            }
            let pipelines = try PipelineResources.build(for: PipelineRun.all(
                promise: promise, workflowType: .promise, action: .delete, object: object, configuration: configuration))
            let outcome = try await engine.reconcileDelete(object: object, resource: resource, pipelines: pipelines)
            object = try await engine.writeStatus(outcome, resource: resource)
            if let failure = WorkflowEngine.deleteFailure(outcome) {
                await events.record(object, type: .warning, reason: "Failed Pipeline", message: "The Delete Pipeline has failed")
                throw failure
            }
            switch outcome.state {
            case .completed, .noPipelines:
                _ = try await Finalizers.remove([KratixFinalizers.deleteWorkflows], from: object, resource: resource, client: client)
                return .requeueAfter(.seconds(5))
            default:
                return outcome.action == .done ? .requeueAfter(.seconds(15)) : outcome.action
            }
        }

        if finalizers.contains(KratixFinalizers.workflowsCleanup) {
            for typeLabel in [KratixLabels.workflowType, KratixLabels.workType] {
                let jobs = try await client.listAll(.jobs, options: ListOptions(labelSelector: WorkflowEngine.selectorString([
                    KratixLabels.promiseName: name, typeLabel: "promise",
                ])))
                for job in jobs.items { try await client.deleteIfPresent(.jobs, name: job.name ?? "", namespace: job.namespace) }
            }
            _ = try await Finalizers.remove([KratixFinalizers.workflowsCleanup], from: object, resource: resource, client: client)
            return .requeueAfter(.seconds(5))
        }

        let api = try? PromiseAPI.make(for: promise)
        if finalizers.contains(KratixFinalizers.resourceRequestCleanup) {
            if let api, try await client.getOptional(.customResourceDefinitions, name: api.crdName) != nil {
                await resourceControllers.start(promise: name, api: api)
                let requests = try await client.listAll(api.resource).items
                if !requests.isEmpty {
                    for request in requests where request.deletionTimestamp == nil {
                        try await client.deleteIfPresent(api.resource, name: request.name ?? "", namespace: request.namespace)
                    }
                    return .requeueAfter(.seconds(5))
                }
            }
            _ = try await Finalizers.remove([KratixFinalizers.resourceRequestCleanup], from: object, resource: resource, client: client)
            return .requeueAfter(.seconds(5))
        }

        if finalizers.contains(KratixFinalizers.revisionCleanup) {
            // Every revision of the Promise goes (their requests went above); then the finalizer.
            let revisions = try await client.listAll(Self.revisions, options: ListOptions(labelSelector: "\(KratixLabels.promiseName)=\(name)")).items
            for revision in revisions where revision.deletionTimestamp == nil {
                _ = try? await client.delete(Self.revisions, name: revision.name ?? "", options: DeleteOptions(propagationPolicy: .background))
            }
            _ = try await Finalizers.remove([KratixFinalizers.revisionCleanup], from: object, resource: resource, client: client)
            return .requeueAfter(.seconds(5))
        }

        await resourceControllers.stop(promise: name)

        if finalizers.contains(KratixFinalizers.dynamicControllerDependantResourcesCleanup) {
            let selector = ListOptions(labelSelector: "\(KratixLabels.promiseName)=\(name)")
            var found = false
            for gvr in [GroupVersionResource.clusterRoleBindings, .clusterRoles, .roleBindings, .roles, .serviceAccounts, .configMaps] {
                for item in try await client.listAll(gvr, options: selector).items {
                    found = true
                    try await client.deleteIfPresent(gvr, name: item.name ?? "", namespace: item.namespace)
                }
            }
            if found { return .requeueAfter(.seconds(5)) }
            _ = try await Finalizers.remove([KratixFinalizers.dynamicControllerDependantResourcesCleanup], from: object, resource: resource, client: client)
            return .requeueAfter(.seconds(5))
        }

        if finalizers.contains(KratixFinalizers.dependenciesCleanup) {
            let works = try await client.listAll(Work.groupVersionResource, options: ListOptions(labelSelector: "\(KratixLabels.promiseName)=\(name)"))
            if !works.items.isEmpty {
                for work in works.items where work.deletionTimestamp == nil {
                    try await client.deleteIfPresent(Work.groupVersionResource, name: work.name ?? "", namespace: work.namespace)
                }
                return .requeueAfter(.seconds(5))
            }
            _ = try await Finalizers.remove([KratixFinalizers.dependenciesCleanup], from: object, resource: resource, client: client)
            return .requeueAfter(.seconds(5))
        }

        if finalizers.contains(KratixFinalizers.apiCRDCleanup) {
            if let api, try await client.getOptional(.customResourceDefinitions, name: api.crdName) != nil {
                try await client.deleteIfPresent(.customResourceDefinitions, name: api.crdName)
                return .requeueAfter(.seconds(5))
            }
            _ = try await Finalizers.remove([KratixFinalizers.apiCRDCleanup], from: object, resource: resource, client: client)
        }
        return .done
    }
}
