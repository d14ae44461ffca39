import Foundation
import KratixTestSupport
import KubeClient
import KubeModel
import Testing

/// Every verb against the embedded API server over HTTPS.
@Suite struct VerbTests {
    @Test func kubeconfigOfTheTestServerWorks() async throws {
        try await TestAPIServer.with(tls: true) { server in
            var configuration = try ClientConfiguration.fromKubeconfig(path: server.kubeconfig)
            #expect(configuration.server == server.url)
            #expect(configuration.tls.caPEM == server.caCertificatePEM)
            configuration.qps = 0
            try await using(try KubeClient(configuration: configuration, logger: quietLogger)) { client in
                let namespace = try await client.get(.namespaces, name: "default")
                #expect(namespace.name == "default")
                #expect(namespace.kind == "Namespace")
                let version = try await client.request(.GET, path: "/version")
                #expect(version.status == 200)
                #expect(try JSONParser.parse(version.body)["gitVersion"] == "v1.31.0")
            }
        }
    }

    @Test func createGetUpdateWithOptimisticConcurrency() async throws {
        try await withClient { _, client in
            let created = try await client.create(.configMaps, configMap("settings", data: ["a": "1"]))
            #expect(created.uid != nil)
            #expect(created.namespace == "default")
            let rv = try #require(created.resourceVersion)

            await #expect {
                try await client.create(.configMaps, configMap("settings"))
            } throws: { error in
                guard case .alreadyExists(let status) = error as? ClientError else { return false }
                return status.details?.name == "settings" && "\(error)" == #"configmaps "settings" already exists"#
            }

            var changed = try await client.get(.configMaps, name: "settings", namespace: "default")
            #expect(changed.json["data"] == ["a": "1"])
            changed.json["data"] = ["a": "2"]
            let updated = try await client.update(.configMaps, changed)
            #expect(updated.json["data"] == ["a": "2"])
            #expect(updated.resourceVersion != rv)

            // Writing the stale version again conflicts.
            var stale = created
            stale.json["data"] = ["a": "3"]
            await #expect {
                try await client.update(.configMaps, stale)
            } throws: { error in
                guard case .conflict = error as? ClientError else { return false }
                return "\(error)".contains("the object has been modified")
            }

            await #expect {
                try await client.get(.configMaps, name: "absent", namespace: "default")
            } throws: { error in
                guard case .notFound = error as? ClientError else { return false }
                return "\(error)" == #"configmaps "absent" not found"#
            }
        }
    }

    @Test func listWithSelectorsAndPagination() async throws {
        try await withClient { _, client in
            _ = try await client.create(.namespaces, KubeObject(apiVersion: "v1", kind: "Namespace", name: "other"))
            for i in 0..<7 {
                _ = try await client.create(.configMaps, configMap("cm-\(i)", labels: ["app": i % 2 == 0 ? "web" : "db", "tier": "t\(i)"]))
            }
            _ = try await client.create(.configMaps, configMap("elsewhere", namespace: "other", labels: ["app": "web"]))

            let web = try await client.list(.configMaps, namespace: "default", options: ListOptions(labelSelector: "app=web"))
            #expect(web.items.compactMap(\.name) == ["cm-0", "cm-2", "cm-4", "cm-6"])
            #expect(!web.resourceVersion.isEmpty)
            // Items get their kind even though lists of built-in kinds may omit it.
            #expect(web.items.allSatisfy { $0.kind == "ConfigMap" && $0.apiVersion == "v1" })

            let setBased = try await client.list(.configMaps, namespace: "default", options: ListOptions(labelSelector: "app in (web, db),tier notin (t0,t1),!missing"))
            #expect(setBased.items.compactMap(\.name) == ["cm-2", "cm-3", "cm-4", "cm-5", "cm-6"])

            let allNamespaces = try await client.list(.configMaps, options: ListOptions(labelSelector: "app=web"))
            #expect(allNamespaces.items.compactMap(\.key).contains("other/elsewhere"))

            // Every namespace also holds its `kube-root-ca.crt`, as on a real cluster.
            let byField = try await client.list(.configMaps, namespace: nil, options: ListOptions(fieldSelector: "metadata.namespace!=default,metadata.name!=kube-root-ca.crt"))
            #expect(byField.items.compactMap(\.name) == ["elsewhere"])
            let byName = try await client.list(.configMaps, namespace: "default", options: ListOptions(fieldSelector: "metadata.name=cm-3"))
            #expect(byName.items.compactMap(\.name) == ["cm-3"])

            // One page at a time.
            let first = try await client.list(.configMaps, namespace: "default", options: ListOptions(limit: 3))
            #expect(first.items.count == 3)
            let token = try #require(first.continueToken)
            let second = try await client.list(.configMaps, namespace: "default", options: ListOptions(limit: 3, continueToken: token))
            #expect(second.items.compactMap(\.name) == ["cm-3", "cm-4", "cm-5"])
            let third = try await client.list(.configMaps, namespace: "default", options: ListOptions(limit: 3, continueToken: second.continueToken))
            #expect(third.items.compactMap(\.name) == ["cm-6", "kube-root-ca.crt"])
            #expect(third.continueToken == nil)

            // Every page.
            let all = try await client.listAll(.configMaps, namespace: "default", options: ListOptions(limit: 2))
            #expect(all.items.compactMap(\.name) == (0..<7).map { "cm-\($0)" } + ["kube-root-ca.crt"])
            #expect(all.continueToken == nil)
            #expect(all.resourceVersion == (try await client.list(.configMaps, namespace: "default", options: ListOptions(limit: 2))).resourceVersion)

            await #expect {
                try await client.list(.configMaps, namespace: "default", options: ListOptions(labelSelector: "app in (web"))
            } throws: { error in
                if case .badRequest = error as? ClientError { return true }
                return false
            }
        }
    }

    @Test func deleteWithPropagationAndPreconditions() async throws {
        try await withClient { _, client in
            let owner = try await client.create(.configMaps, configMap("owner"))
            var dependent = configMap("dependent")
            dependent.json["metadata"]?["ownerReferences"] = [[
                "apiVersion": "v1", "kind": "ConfigMap", "name": "owner", "uid": .string(owner.uid ?? ""),
            ]]
            _ = try await client.create(.configMaps, dependent)

            // A precondition that does not hold is a conflict, and nothing is deleted.
            await #expect {
                try await client.delete(.configMaps, name: "owner", namespace: "default", options: DeleteOptions(preconditions: (uid: "not-the-uid", resourceVersion: nil)))
            } throws: { error in
                if case .conflict = error as? ClientError { return true }
                return false
            }
            await #expect {
                try await client.delete(.configMaps, name: "owner", namespace: "default", options: DeleteOptions(preconditions: (uid: nil, resourceVersion: "1")))
            } throws: { error in
                if case .conflict = error as? ClientError { return true }
                return false
            }

            // Orphan keeps the dependent, without the reference.
            try await client.delete(.configMaps, name: "owner", namespace: "default",
                                    options: DeleteOptions(propagationPolicy: .orphan, preconditions: (uid: owner.uid, resourceVersion: owner.resourceVersion)))
            let orphaned = try await client.get(.configMaps, name: "dependent", namespace: "default")
            #expect(orphaned.metadata.ownerReferences == nil)

            // Foreground: the owner is returned still present (with the foregroundDeletion finalizer)
            // until its dependents are gone.
            let owner2 = try await client.create(.configMaps, configMap("owner2"))
            var child = configMap("child")
            child.json["metadata"]?["ownerReferences"] = [["apiVersion": "v1", "kind": "ConfigMap", "name": "owner2", "uid": .string(owner2.uid ?? "")]]
            child.json["metadata"]?["finalizers"] = ["test/hold"]
            _ = try await client.create(.configMaps, child)
            let deleting = try await client.delete(.configMaps, name: "owner2", namespace: "default", options: DeleteOptions(propagationPolicy: .foreground))
            #expect(deleting?.deletionTimestamp != nil)
            #expect(deleting?.metadata.finalizers?.contains("foregroundDeletion") == true)
            // Releasing the child lets both go.
            _ = try await client.patch(.configMaps, name: "child", namespace: "default", .merge(["metadata": ["finalizers": nil]]))
            await #expect(throws: ClientError.self) { try await client.get(.configMaps, name: "owner2", namespace: "default") }

            // A plain delete of an object without finalizers answers with the deleted object's final
            // state or a Status; either way it is gone.
            try await client.delete(.configMaps, name: "dependent", namespace: "default", options: DeleteOptions(propagationPolicy: .background, gracePeriodSeconds: 0))
            await #expect {
                try await client.get(.configMaps, name: "dependent", namespace: "default")
            } throws: { error in
                if case .notFound = error as? ClientError { return true }
                return false
            }
        }
    }

    @Test func deleteCollection() async throws {
        try await withClient { _, client in
            for i in 0..<4 {
                _ = try await client.create(.configMaps, configMap("batch-\(i)", labels: ["batch": i < 3 ? "yes" : "no"]))
            }
            try await client.deleteCollection(.configMaps, namespace: "default", listOptions: ListOptions(labelSelector: "batch=yes"))
            let left = try await client.list(.configMaps, namespace: "default", options: ListOptions(labelSelector: "batch"))
            #expect(left.items.compactMap(\.name) == ["batch-3"])
        }
    }

    @Test func mergeJSONAndStrategicPatches() async throws {
        try await withClient { _, client in
            _ = try await client.create(.configMaps, configMap("p", labels: ["keep": "yes", "drop": "yes"], data: ["a": "1"]))
            let merged = try await client.patch(.configMaps, name: "p", namespace: "default", .merge(["metadata": ["labels": ["drop": nil, "new": "1"]], "data": ["b": "2"]]))
            #expect(merged.labels == ["keep": "yes", "new": "1"])
            #expect(merged.json["data"] == ["a": "1", "b": "2"])

            let jsonPatched = try await client.patch(.configMaps, name: "p", namespace: "default", .json([
                ["op": "test", "path": "/data/a", "value": "1"],
                ["op": "replace", "path": "/data/a", "value": "10"],
                ["op": "remove", "path": "/data/b"],
            ]))
            #expect(jsonPatched.json["data"] == ["a": "10"])
            // A failing `test` operation fails the patch.
            await #expect(throws: ClientError.self) {
                try await client.patch(.configMaps, name: "p", namespace: "default", .json([["op": "test", "path": "/data/a", "value": "nope"]]))
            }

            var pod = KubeObject(apiVersion: "v1", kind: "Pod", name: "web", namespace: "default")
            pod.spec = ["containers": [["name": "app", "image": "nginx:1"], ["name": "sidecar", "image": "envoy:1"]]]
            _ = try await client.create(.pods, pod)
            // Strategic merge: the containers list merges by name instead of being replaced.
            let strategic = try await client.patch(.pods, name: "web", namespace: "default", .strategicMerge(["spec": ["containers": [["name": "app", "image": "nginx:2"]]]]))
            let containers = strategic.spec?["containers"]?.arrayValue ?? []
            #expect(containers.count == 2)
            #expect(containers.first { $0["name"] == "app" }?["image"] == "nginx:2")
            #expect(containers.first { $0["name"] == "sidecar" }?["image"] == "envoy:1")
        }
    }

    @Test func serverSideApplyWithConflictsAndForce() async throws {
        try await withClient { _, client in
            let manifest: JSONValue = ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "applied", "namespace": "default"], "data": ["owner": "alice", "shared": "x"]]
            let created = try await client.patch(.configMaps, name: "applied", namespace: "default", .apply(manifest), options: PatchOptions(fieldManager: "alice"))
            #expect(created.json["data"] == ["owner": "alice", "shared": "x"])
            let managers = (created.json["metadata"]?["managedFields"]?.arrayValue ?? []).compactMap { $0["manager"]?.stringValue }
            #expect(managers == ["alice"])

            // Another manager setting the same field to another value conflicts...
            let other: JSONValue = ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "applied", "namespace": "default"], "data": ["shared": "y"]]
            await #expect {
                try await client.patch(.configMaps, name: "applied", namespace: "default", .apply(other), options: PatchOptions(fieldManager: "bob"))
            } throws: { error in
                guard case .conflict(let status) = error as? ClientError else { return false }
                return status.message.contains("alice") || "\(error)".contains("conflict")
            }
            // ...unless it forces.
            let forced = try await client.patch(.configMaps, name: "applied", namespace: "default", .apply(other), options: PatchOptions(fieldManager: "bob", force: true))
            #expect(forced.json["data"]?["shared"] == "y")
            #expect(forced.json["data"]?["owner"] == "alice")

            // Apply needs a field manager.
            await #expect {
                try await client.patch(.configMaps, name: "applied", namespace: "default", .apply(other))
            } throws: { error in
                if case .invalid = error as? ClientError { return true }
                return false
            }
        }
    }

    @Test func dryRunLeavesNothing() async throws {
        try await withClient { _, client in
            let dry = try await client.create(.configMaps, configMap("dry", data: ["a": "1"]), options: WriteOptions(dryRun: true))
            #expect(dry.name == "dry")
            await #expect(throws: ClientError.self) { try await client.get(.configMaps, name: "dry", namespace: "default") }

            let real = try await client.create(.configMaps, configMap("real", data: ["a": "1"]))
            var changed = real
            changed.json["data"] = ["a": "2"]
            _ = try await client.update(.configMaps, changed, options: WriteOptions(dryRun: true))
            _ = try await client.patch(.configMaps, name: "real", namespace: "default", .merge(["data": ["a": "3"]]), options: PatchOptions(dryRun: true))
            try await client.delete(.configMaps, name: "real", namespace: "default", options: DeleteOptions(dryRun: true))
            let after = try await client.get(.configMaps, name: "real", namespace: "default")
            #expect(after.json["data"] == ["a": "1"])
            #expect(after.resourceVersion == real.resourceVersion)
        }
    }

    @Test func statusSubresourceOnACustomResource() async throws {
        try await withClient { _, client in
            _ = try await client.create(.customResourceDefinitions, widgetCRD())
            let widgets = GroupVersionResource(group: "test.kratix.io", version: "v1", resource: "widgets")
            var widget = KubeObject(apiVersion: "test.kratix.io/v1", kind: "Widget", name: "w1", namespace: "default")
            widget.spec = ["size": 3]
            widget.status = ["phase": "ignored on create"]
            let created = try await client.create(widgets, widget)
            #expect(created.status == nil)

            var withStatus = created
            withStatus.status = ["phase": "Ready"]
            withStatus.spec = ["size": 99]  // spec is ignored by a status write
            let updated = try await client.updateStatus(widgets, withStatus)
            #expect(updated.status?["phase"] == "Ready")
            #expect(updated.spec?["size"] == 3)

            let fetched = try await client.get(widgets, name: "w1", namespace: "default", subresource: "status")
            #expect(fetched.status?["phase"] == "Ready")

            let patched = try await client.patch(widgets, name: "w1", namespace: "default", .merge(["status": ["ready": true]]), subresource: "status")
            #expect(patched.status == ["phase": "Ready", "ready": true])

            // Status is ignored on a main-resource write.
            var mainWrite = patched
            mainWrite.status = ["phase": "Broken"]
            mainWrite.spec = ["size": 4]
            let main = try await client.update(widgets, mainWrite)
            #expect(main.status?["phase"] == "Ready")
            #expect(main.spec?["size"] == 4)

            // Schema validation failures come back as .invalid with field causes.
            var bad = KubeObject(apiVersion: "test.kratix.io/v1", kind: "Widget", name: "bad", namespace: "default")
            bad.spec = ["size": "large"]
            await #expect {
                try await client.create(widgets, bad)
            } throws: { error in
                guard case .invalid(let status) = error as? ClientError else { return false }
                return status.details?.causes.contains { $0.field == "spec.size" } == true
            }
        }
    }

    @Test func fieldValidation() async throws {
        try await withClient { _, client in
            _ = try await client.create(.customResourceDefinitions, widgetCRD(group: "strict.kratix.io"))
            let widgets = GroupVersionResource(group: "strict.kratix.io", version: "v1", resource: "widgets")
            var widget = KubeObject(apiVersion: "strict.kratix.io/v1", kind: "Widget", name: "w", namespace: "default")
            widget.spec = ["size": 1, "unknownField": "x"]
            // Ignore: the unknown field is pruned silently.
            let ignored = try await client.create(widgets, widget, options: WriteOptions(dryRun: true, fieldValidation: "Ignore"))
            #expect(ignored.spec == ["size": 1])
            // Strict: the unknown field is an error (400 BadRequest on a real server, "strict decoding error").
            await #expect {
                try await client.create(widgets, widget, options: WriteOptions(fieldValidation: "Strict"))
            } throws: { error in
                guard case .badRequest(let status)? = error as? ClientError else { return false }
                return status.message.contains("strict decoding error: unknown field \"spec.unknownField\"")
            }
            // ... and nothing was written.
            await #expect(throws: ClientError.self) { try await client.get(widgets, name: "w", namespace: "default") }
        }
    }

    @Test func rawRequests() async throws {
        try await withClient { _, client in
            var pod = KubeObject(apiVersion: "v1", kind: "Pod", name: "logger", namespace: "default")
            pod.spec = ["containers": [["name": "main", "image": "busybox"]]]
            _ = try await client.create(.pods, pod)
            // The embedded server accepts appended output (its kubelet stand-in does this).
            _ = try await client.request(.POST, path: "/api/v1/namespaces/default/pods/logger/log", body: Array("one\ntwo\nthree\n".utf8), contentType: "text/plain")
            let log = try await client.request(.GET, path: "/api/v1/namespaces/default/pods/logger/log", query: [("tailLines", "2")], accept: "*/*")
            #expect(log.text == "two\nthree\n")
            #expect(log.header("content-type")?.hasPrefix("text/plain") == true)
            await #expect {
                try await client.request(.GET, path: "/api/v1/namespaces/default/pods/missing/log")
            } throws: { error in
                if case .notFound = error as? ClientError { return true }
                return false
            }
        }
    }

    @Test func wrongTokenIsUnauthorized() async throws {
        _ = try await TestAPIServer.with(tls: true) { server in
            try await using(try makeClient(server, token: "not-the-token")) { client in
                await #expect {
                    try await client.get(.namespaces, name: "default")
                } throws: { error in
                    guard case .unauthorized(let status) = error as? ClientError else { return false }
                    return status.code == 401 && !"\(error)".contains("not-the-token")
                }
            }
        }
    }
}
