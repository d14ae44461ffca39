import KubeClient
import KubeModel
import Testing

@Suite struct RequestBuildingTests {
    let promises = GroupVersionResource(group: "platform.kratix.io", version: "v1alpha1", resource: "promises")
    let works = GroupVersionResource(group: "platform.kratix.io", version: "v1alpha1", resource: "works")

    @Test func paths() {
        #expect(ResourcePath(.pods, namespace: "ns", name: "p").path == "/api/v1/namespaces/ns/pods/p")
        #expect(ResourcePath(.pods, namespace: "ns", name: "p", subresource: "log").path == "/api/v1/namespaces/ns/pods/p/log")
        #expect(ResourcePath(.pods).path == "/api/v1/pods")
        #expect(ResourcePath(.namespaces, name: "kube-system").path == "/api/v1/namespaces/kube-system")
        #expect(ResourcePath(.jobs, namespace: "a").path == "/apis/batch/v1/namespaces/a/jobs")
        #expect(ResourcePath(promises, name: "redis", subresource: "status").path == "/apis/platform.kratix.io/v1alpha1/promises/redis/status")
        #expect(ResourcePath(.clusterRoles, name: "system:controller:x").path == "/apis/rbac.authorization.k8s.io/v1/clusterroles/system:controller:x")
        // Characters that would change the path's meaning are escaped.
        #expect(ResourcePath(.configMaps, namespace: "n", name: "a b/c?d%").path == "/api/v1/namespaces/n/configmaps/a%20b%2Fc%3Fd%25")
    }

    @Test func get() {
        let request = KubeRequest.get(works, name: "w", namespace: "team-a")
        #expect(request.method == .GET)
        #expect(request.target == "/apis/platform.kratix.io/v1alpha1/namespaces/team-a/works/w")
        #expect(request.body == nil)
        #expect(KubeRequest.get(promises, name: "redis", namespace: nil, subresource: "status").target
            == "/apis/platform.kratix.io/v1alpha1/promises/redis/status")
    }

    @Test func listQueryIsPercentEncoded() {
        let options = ListOptions(
            labelSelector: "app=web,tier!=cache,env in (dev, test),!legacy", fieldSelector: "metadata.name=x",
            limit: 50, continueToken: "eyJ2IjoxfQ==+/", resourceVersion: "0", resourceVersionMatch: "NotOlderThan", timeoutSeconds: 10)
        let request = KubeRequest.list(.configMaps, namespace: "default", options: options)
        #expect(request.method == .GET)
        #expect(request.target == "/api/v1/namespaces/default/configmaps?labelSelector=app%3Dweb%2Ctier%21%3Dcache%2Cenv%20in%20%28dev%2C%20test%29%2C%21legacy&fieldSelector=metadata.name%3Dx&limit=50&continue=eyJ2IjoxfQ%3D%3D%2B%2F&resourceVersion=0&resourceVersionMatch=NotOlderThan&timeoutSeconds=10")
        // All namespaces.
        #expect(KubeRequest.list(.configMaps, namespace: nil, options: .init()).target == "/api/v1/configmaps")
    }

    @Test func watch() {
        let request = KubeRequest.watch(works, namespace: nil, options: WatchOptions(labelSelector: "a=b", resourceVersion: "42", timeoutSeconds: 30))
        #expect(request.isWatch)
        #expect(request.target == "/apis/platform.kratix.io/v1alpha1/works?watch=true&labelSelector=a%3Db&resourceVersion=42&allowWatchBookmarks=true&timeoutSeconds=30")
        let noBookmarks = KubeRequest.watch(.pods, namespace: "x", options: WatchOptions(allowWatchBookmarks: false))
        #expect(noBookmarks.target == "/api/v1/namespaces/x/pods?watch=true")
    }

    @Test func create() throws {
        let object = KubeObject(apiVersion: "v1", kind: "ConfigMap", name: "c", namespace: "n")
        let request = KubeRequest.create(.configMaps, object, namespace: "n", options: WriteOptions(fieldManager: "kratix", dryRun: true, fieldValidation: "Strict"))
        #expect(request.method == .POST)
        #expect(request.target == "/api/v1/namespaces/n/configmaps?dryRun=All&fieldManager=kratix&fieldValidation=Strict")
        #expect(request.contentType == "application/json")
        #expect(try JSONParser.parse(request.body ?? []) == object.value)
        // A subresource create (TokenRequest) goes to the object's subresource.
        let token = KubeRequest.create(.serviceAccounts, KubeObject(apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", name: "sa"), namespace: "n", subresource: "token", options: .init())
        #expect(token.target == "/api/v1/namespaces/n/serviceaccounts/sa/token")
    }

    @Test func update() {
        var object = KubeObject(apiVersion: "platform.kratix.io/v1alpha1", kind: "Promise", name: "redis")
        object.resourceVersion = "7"
        let request = KubeRequest.update(promises, object, options: .init())
        #expect(request.method == .PUT)
        #expect(request.target == "/apis/platform.kratix.io/v1alpha1/promises/redis")
        let status = KubeRequest.update(promises, object, subresource: "status", options: .init())
        #expect(status.target == "/apis/platform.kratix.io/v1alpha1/promises/redis/status")
        let namespaced = KubeRequest.update(.configMaps, KubeObject(apiVersion: "v1", kind: "ConfigMap", name: "c", namespace: "n"), options: .init())
        #expect(namespaced.target == "/api/v1/namespaces/n/configmaps/c")
    }

    @Test func patchContentTypes() throws {
        let body: JSONValue = ["metadata": ["labels": ["a": "b"]]]
        let cases: [(Patch, String)] = [
            (.merge(body), "application/merge-patch+json"),
            (.json([["op": "add", "path": "/metadata/labels/a", "value": "b"]]), "application/json-patch+json"),
            (.strategicMerge(body), "application/strategic-merge-patch+json"),
            (.apply(body), "application/apply-patch+yaml"),
        ]
        for (patch, contentType) in cases {
            let request = KubeRequest.patch(.configMaps, name: "c", namespace: "n", patch, options: .init())
            #expect(request.method == .PATCH)
            #expect(request.contentType == contentType)
            #expect(patch.contentType == contentType)
            #expect(try JSONParser.parse(request.body ?? []) == patch.body)
            #expect(request.target == "/api/v1/namespaces/n/configmaps/c")
        }
    }

    @Test func patchOptions() {
        let apply = KubeRequest.patch(works, name: "w", namespace: "n", .apply([:]), subresource: "status",
                                      options: PatchOptions(fieldManager: "kratix", force: true, dryRun: true, fieldValidation: "Strict"))
        #expect(apply.target == "/apis/platform.kratix.io/v1alpha1/namespaces/n/works/w/status?dryRun=All&fieldManager=kratix&force=true&fieldValidation=Strict")
        // `force` is only meaningful (and only accepted) for apply patches.
        let merge = KubeRequest.patch(works, name: "w", namespace: "n", .merge([:]), options: PatchOptions(fieldManager: "m", force: true))
        #expect(merge.queryValue("force") == nil)
        #expect(merge.queryValue("fieldManager") == "m")
    }

    @Test func delete() throws {
        let options = DeleteOptions(propagationPolicy: .foreground, gracePeriodSeconds: 0, preconditions: (uid: "u-1", resourceVersion: "9"), dryRun: true)
        let request = KubeRequest.delete(.jobs, name: "j", namespace: "n", options: options)
        #expect(request.method == .DELETE)
        #expect(request.target == "/apis/batch/v1/namespaces/n/jobs/j")
        #expect(request.contentType == "application/json")
        let body = try JSONParser.parse(request.body ?? [])
        #expect(body == [
            "kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": "Foreground", "gracePeriodSeconds": 0,
            "preconditions": ["uid": "u-1", "resourceVersion": "9"], "dryRun": ["All"],
        ])
        #expect(try JSONParser.parse(KubeRequest.delete(.jobs, name: "j", namespace: "n", options: .init()).body ?? []) == ["kind": "DeleteOptions", "apiVersion": "v1"])
    }

    @Test func deleteCollection() throws {
        let request = KubeRequest.deleteCollection(.configMaps, namespace: "n", listOptions: ListOptions(labelSelector: "app=x"), options: DeleteOptions(propagationPolicy: .background))
        #expect(request.method == .DELETE)
        #expect(request.target == "/api/v1/namespaces/n/configmaps?labelSelector=app%3Dx")
        #expect(try JSONParser.parse(request.body ?? [])["propagationPolicy"] == "Background")
    }

    @Test func wellKnownResources() {
        #expect(GroupVersionResource.customResourceDefinitions.description == "apiextensions.k8s.io/v1/customresourcedefinitions")
        #expect(GroupVersionResource.leases.group == "coordination.k8s.io")
        #expect(GroupVersionResource.events.group.isEmpty)
        #expect(ResourcePath(.roleBindings, namespace: "n").path == "/apis/rbac.authorization.k8s.io/v1/namespaces/n/rolebindings")
    }

    @Test func idempotentMethods() {
        #expect(HTTPMethod.GET.isIdempotent && HTTPMethod.PUT.isIdempotent && HTTPMethod.DELETE.isIdempotent)
        #expect(!HTTPMethod.POST.isIdempotent && !HTTPMethod.PATCH.isIdempotent)
    }
}
