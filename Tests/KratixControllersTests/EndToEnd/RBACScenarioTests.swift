import Foundation
import KratixAPI
import KratixTestSupport
import KubeClient
import KubeModel
import Testing
@testable import KratixControllers

/// acceptance-scenarios.md §3.2 `rbac_test.go` with the upstream assets in
/// `kratix/system/assets/rbac`: a Promise whose promise and resource pipelines ask for permissions
/// in their own namespace, in another namespace and in every namespace. The server enforces RBAC on
/// the pipelines' service-account tokens, so the pipelines' own `kubectl get` checks (including the
/// ones that must fail) prove the grants, and `kubectl auth can-i` checks them from outside.
@Suite(.serialized) struct RBACScenarioTests {
    static let assets = "kratix/system/assets/rbac"
    static let promise = "rbac-promise"
    static let promiseID = "rbac-promise-promise-configure-rbac-pro"
    static let resourceID = "rbac-promise-resource-configure-rbac-res"
    static let promiseSA = "system:serviceaccount:\(KratixGroup.systemNamespace):\(promiseID)"
    static let resourceSA = "system:serviceaccount:default:\(resourceID)"
    static let kinds: [GroupVersionResource] = [.roles, .roleBindings, .clusterRoles, .clusterRoleBindings]
    let bundle = GroupVersionResource(group: "test.kratix.io", version: "v1alpha1", resource: "rbacbundle")

    /// The user-permission objects of one pipeline, by kind.
    func permissions(_ platform: PlatformHarness, pipeline: String) async throws -> [GroupVersionResource: [KubeObject]] {
        var out: [GroupVersionResource: [KubeObject]] = [:]
        for kind in Self.kinds {
            out[kind] = try await platform.list(kind, labels: "kratix.io/promise-name=\(Self.promise),kratix.io/pipeline-name=\(pipeline)")
        }
        return out
    }

    /// `kind/namespace/name` → `uid@creationTimestamp` of every RBAC object of the Promise.
    func identities(_ platform: PlatformHarness, labels: String) async throws -> [String: String] {
        var out: [String: String] = [:]
        for kind in Self.kinds {
            for object in try await platform.list(kind, labels: labels) {
                out["\(kind.resource)/\(object.namespace ?? "")/\(object.name ?? "")"] =
                    "\(object[at: ["metadata", "uid"]]?.stringValue ?? "")@\(object[at: ["metadata", "creationTimestamp"]]?.stringValue ?? "")"
            }
        }
        return out
    }

    /// `yes` or `no` from `kubectl auth can-i`, as `user`.
    func canI(_ platform: PlatformHarness, _ user: String, _ arguments: [String]) async throws -> String {
        let result = try await platform.server.kubectl(["auth", "can-i"] + arguments + ["--as=\(user)"])
        return result.stdout.split(separator: "\n").first.map(String.init) ?? result.stderr
    }

    func completed(_ object: KubeObject?) -> Bool {
        object?.condition("ConfigureWorkflowCompleted")?["reason"] == "PipelinesExecutedSuccessfully"
            && object?.condition("ConfigureWorkflowCompleted")?["status"] == "True"
    }

    @Test func pipelinesGetExactlyTheirPermissionsWhichLiveAsLongAsThePromise() async throws {
        try await PlatformHarness.with(authorizationMode: .rbac) { platform in
            _ = try await platform.gitDestinations(["worker-1": ["environment": "dev"]])
            try await platform.apply(fixture: "\(Self.assets)/resources.yaml")
            try await platform.startManager()
            try await platform.apply(fixture: "\(Self.assets)/promise.yaml")
            let promiseDone = await platform.eventually(timeout: .seconds(120)) {
                completed(await platform.get(Promise.groupVersionResource, Self.promise))
            }
            await platform.reportFailedPods(namespace: KratixGroup.systemNamespace)
            let promiseConditions = await platform.get(Promise.groupVersionResource, Self.promise)?.conditionSummary ?? []
            #expect(promiseDone, "\(promiseConditions)")
            #expect(await platform.eventually { await platform.get(.customResourceDefinitions, "rbacbundle.test.kratix.io") != nil })
            try await platform.apply(fixture: "\(Self.assets)/resource-request.yaml")
            let requestDone = await platform.eventually(timeout: .seconds(120)) {
                completed(await platform.get(bundle, "rbac-resource-request", namespace: "default"))
            }
            await platform.reportFailedPods(namespace: "default")
            let requestConditions = await platform.get(bundle, "rbac-resource-request", namespace: "default")?.conditionSummary ?? []
            #expect(requestDone, "\(requestConditions)")

            // The objects: Roles in the pipeline namespace, ClusterRoles for other namespaces, with
            // their labels and names.
            let promisePermissions = try await permissions(platform, pipeline: "rbac-pro")
            let resourcePermissions = try await permissions(platform, pipeline: "rbac-res")
            for (pipelineNamespace, found, id, namespaces) in [
                (KratixGroup.systemNamespace, promisePermissions, Self.promiseID, ["default": "default", "*": "kratix_all_namespaces"]),
                ("default", resourcePermissions, Self.resourceID, ["kratix-platform-system": "kratix-platform-system", "*": "kratix_all_namespaces"]),
            ] {
                let roles = found[.roles] ?? []
                #expect(roles.count == 1, "\(roles)")
                #expect(roles.first?.namespace == pipelineNamespace)
                #expect(roles.first?.name?.hasPrefix(id) == true, "\(roles.first?.name ?? "")")
                #expect(roles.first?.labels[KratixLabels.resourceNamespace] == nil)
                let clusterRoles = found[.clusterRoles] ?? []
                #expect(Set(clusterRoles.compactMap { $0.labels[KratixLabels.resourceNamespace] }) == Set(namespaces.values), "\(clusterRoles)")
                for object in Self.kinds.flatMap({ found[$0] ?? [] }) {
                    #expect(object.labels[KratixLabels.promiseName] == Self.promise)
                    #expect(object.labels[KratixLabels.pipelineNamespace] == pipelineNamespace, "\(object.name ?? "")")
                    #expect(object.name?.hasPrefix(id) == true, "\(object.name ?? "")")
                }
                // A named namespace is bound there; "*" cluster-wide.
                let roleBindings = found[.roleBindings] ?? []
                let named = namespaces.keys.first { $0 != "*" } ?? ""
                #expect(Set(roleBindings.compactMap(\.namespace)) == [pipelineNamespace, named], "\(roleBindings)")
                let clusterRoleBindings = found[.clusterRoleBindings] ?? []
                #expect(clusterRoleBindings.map { $0.labels[KratixLabels.resourceNamespace] } == ["kratix_all_namespaces"], "\(clusterRoleBindings)")
            }
            // Cluster-scoped names append the namespace, truncated as upstream truncates.
            let allNamespaces = promisePermissions[.clusterRoles]?.first { $0.labels[KratixLabels.resourceNamespace] == "kratix_all_namespaces" }
            #expect(allNamespaces?.name?.hasPrefix("rbac-promise-promise-configure-rbac-pro-kratix-all-names-") == true, "\(allNamespaces?.name ?? "")")
            let defaultNamespace = promisePermissions[.clusterRoles]?.first { $0.labels[KratixLabels.resourceNamespace] == "default" }
            #expect(defaultNamespace?.name?.hasPrefix("rbac-promise-promise-configure-rbac-pro-default-") == true, "\(defaultNamespace?.name ?? "")")
            let systemNamespace = resourcePermissions[.clusterRoles]?.first { $0.labels[KratixLabels.resourceNamespace] == "kratix-platform-system" }
            #expect(systemNamespace?.name?.hasPrefix("rbac-promise-resource-configure-rbac-res-kratix-platform-") == true, "\(systemNamespace?.name ?? "")")

            // What the service accounts may do: exactly what was granted.
            let system = KratixGroup.systemNamespace
            let promiseChecks: [([String], String)] = [
                (["get", "configmaps/rbac-promise-cm", "-n", system], "yes"),
                (["list", "configmaps/rbac-promise-cm", "-n", system], "yes"),
                (["get", "configmaps/rbac-promise-default-cm", "-n", "default"], "yes"),
                (["get", "secrets/rbac-promise-default-secret", "-n", "default"], "yes"),
                (["list", "secrets", "-n", "team-a"], "yes"),
                (["list", "secrets", "--all-namespaces"], "yes"),
                (["get", "configmaps/rbac-promise-cant-see", "-n", "default"], "no"),
                (["get", "configmaps/rbac-promise-cm", "-n", "default"], "no"),
                (["list", "configmaps", "-n", "default"], "no"),
                (["create", "configmaps", "-n", system], "no"),
                (["delete", "secrets/rbac-promise-default-secret", "-n", "default"], "no"),
                (["get", "deployments", "-n", system], "no"),
            ]
            for (arguments, expected) in promiseChecks {
                #expect(try await canI(platform, Self.promiseSA, arguments) == expected, "promise pipeline: can-i \(arguments.joined(separator: " "))")
            }
            let resourceChecks: [([String], String)] = [
                (["get", "secrets/rbac-resource-secret", "-n", "default"], "yes"),
                (["update", "secrets/rbac-resource-secret", "-n", "default"], "yes"),
                (["get", "configmaps/rbac-promise-cm", "-n", system], "yes"),
                (["list", "promises.platform.kratix.io"], "yes"),
                (["get", "promises.platform.kratix.io/rbac-promise"], "yes"),
                (["get", "secrets/rbac-resource-secret", "-n", system], "no"),
                (["get", "secrets/other", "-n", "default"], "no"),
                (["list", "secrets", "-n", "default"], "no"),
                (["get", "configmaps/rbac-promise-default-cm", "-n", "default"], "no"),
                (["delete", "promises.platform.kratix.io/rbac-promise"], "no"),
                (["get", "namespaces"], "no"),
            ]
            for (arguments, expected) in resourceChecks {
                #expect(try await canI(platform, Self.resourceSA, arguments) == expected, "resource pipeline: can-i \(arguments.joined(separator: " "))")
            }

            // Re-reconciling the Promise runs its workflow again but keeps the objects.
            let promiseLabels = "kratix.io/promise-name=\(Self.promise),kratix.io/pipeline-name=rbac-pro"
            let resourceLabels = "kratix.io/promise-name=\(Self.promise),kratix.io/pipeline-name=rbac-res"
            let promiseBefore = try await identities(platform, labels: promiseLabels)
            let resourceBefore = try await identities(platform, labels: resourceLabels)
            #expect(promiseBefore.count == 6, "\(promiseBefore.keys.sorted())")
            #expect(resourceBefore.count == 6, "\(resourceBefore.keys.sorted())")
            let jobSelector = "kratix.io/promise-name=\(Self.promise),kratix.io/workflow-type=promise"
            let jobsBefore = try await platform.list(.jobs, namespace: system, labels: jobSelector).count
            try await platform.kubectl(["label", "promise", Self.promise, "\(KratixLabels.manualReconciliation)=true"])
            let rerun = await platform.eventually(timeout: .seconds(120)) {
                let jobs = try await platform.list(.jobs, namespace: system, labels: jobSelector)
                let promise = await platform.get(Promise.groupVersionResource, Self.promise)
                return jobs.count > jobsBefore && promise?.labels[KratixLabels.manualReconciliation] == nil && completed(promise)
                    && jobs.allSatisfy { $0.condition("Complete")?["status"] == "True" }
            }
            await platform.reportFailedPods(namespace: system)
            #expect(rerun, "the promise workflow ran again")
            #expect(try await identities(platform, labels: promiseLabels) == promiseBefore)
            #expect(try await identities(platform, labels: resourceLabels) == resourceBefore)

            // The request's deletion leaves its workflow's permissions in place...
            try await platform.kubectl(["delete", "rbacbundle", "rbac-resource-request", "-n", "default", "--wait=false"])
            #expect(await platform.eventually(timeout: .seconds(120)) {
                await platform.get(bundle, "rbac-resource-request", namespace: "default") == nil
            })
            #expect(try await identities(platform, labels: resourceLabels) == resourceBefore)

            // ... the Promise's removes every one.
            try await platform.kubectl(["delete", "promise", Self.promise, "--wait=false"])
            #expect(await platform.eventually(timeout: .seconds(120)) {
                await platform.get(Promise.groupVersionResource, Self.promise) == nil
            })
            let left = try await identities(platform, labels: "kratix.io/promise-name=\(Self.promise)")
            #expect(left.isEmpty, "\(left.keys.sorted())")
        }
    }
}
