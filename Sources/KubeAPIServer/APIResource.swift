import KubeModel

/// A kind of object the server serves: its names, scope and subresources.
public struct APIResource: Sendable, Equatable {
    public var group: String
    public var version: String
    public var kind: String
    /// The lower-case plural used in URLs (`configmaps`).
    public var plural: String
    public var singular: String
    public var namespaced: Bool
    public var shortNames: [String]
    public var categories: [String]
    /// Subresources besides the object itself (`status`, `log`, `token`).
    public var subresources: [String]
    /// The core `namespaces` resource, not a custom resource that happens to share the plural
    /// (the marketplace's `namespaces.marketplace.kratix.io`).
    public var isCoreNamespace: Bool { group.isEmpty && plural == "namespaces" }
    /// Whether objects carry `metadata.generation`: custom resources and the kinds whose registry
    /// strategy sets it (Jobs, Deployments, CRDs, …); core kinds, RBAC, leases and events have
    /// none on a real 1.28 server.
    public var tracksGeneration: Bool { !["", "rbac.authorization.k8s.io", "coordination.k8s.io", "events.k8s.io"].contains(group) }
    /// The CRD's `openAPIV3Schema`, for validation, pruning and defaulting; `nil` for built-in kinds.
    public var schema: JSONValue?
    /// The Go type that describes a built-in kind's fields (``FieldSchema``); `nil` for custom
    /// resources, whose `schema` does.
    public var fieldSchemaType: String? { schema == nil ? FieldSchema.rootType(apiVersion: apiVersion, kind: kind) : nil }
    /// How the kind's lists merge in patches and server-side apply.
    public var mergeSchema: MergeSchema { .forKind(apiVersion: apiVersion, kind: kind, crdSchema: schema) }
    public var printerColumns: [JSONValue]
    /// What discovery says clients may do; every verb unless the resource is create-only (the
    /// access reviews).
    public var verbs: [String] = APIResource.allVerbs.compactMap(\.stringValue)

    public init(
        group: String, version: String, kind: String, plural: String, namespaced: Bool,
        shortNames: [String] = [], categories: [String] = [], subresources: [String] = [],
        schema: JSONValue? = nil, printerColumns: [JSONValue] = []
    ) {
        self.group = group
        self.version = version
        self.kind = kind
        self.plural = plural
        self.singular = kind.lowercased()
        self.namespaced = namespaced
        self.shortNames = shortNames
        self.categories = categories
        self.subresources = subresources
        self.schema = schema
        self.printerColumns = printerColumns
    }

    public var groupVersion: GroupVersion { GroupVersion(group: group, version: version) }
    public var apiVersion: String { groupVersion.apiVersion }
    public var hasStatusSubresource: Bool { subresources.contains("status") }
    /// Identifies the resource independent of version: `configmaps` or `promises.platform.kratix.io`.
    public var groupResource: String { group.isEmpty ? plural : "\(plural).\(group)" }

    static let allVerbs: [JSONValue] = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]

    /// The entries of this resource in an `APIResourceList`.
    var discoveryEntries: [JSONValue] {
        var main: JSONObject = [
            "name": .string(plural), "singularName": .string(singular), "namespaced": .bool(namespaced),
            "kind": .string(kind), "verbs": .array(verbs.map(JSONValue.string)),
        ]
        if !shortNames.isEmpty { main["shortNames"] = .array(shortNames.map(JSONValue.string)) }
        if !categories.isEmpty { main["categories"] = .array(categories.map(JSONValue.string)) }
        var entries: [JSONValue] = [.object(main)]
        for sub in subresources {
            let verbs: [JSONValue]
            let kind: String
            switch sub {
            case "log": verbs = ["get"]; kind = "Pod"
            case "token": verbs = ["create"]; kind = "TokenRequest"
            case "scale": verbs = ["get", "patch", "update"]; kind = "Scale"
            default: verbs = ["get", "patch", "update"]; kind = self.kind
            }
            var entry: JSONObject = [
                "name": .string("\(plural)/\(sub)"), "singularName": "", "namespaced": .bool(namespaced),
                "kind": .string(kind), "verbs": .array(verbs),
            ]
            if sub == "scale" {
                entry["group"] = "autoscaling"
                entry["version"] = "v1"
            }
            entries.append(.object(entry))
        }
        return entries
    }
}

/// The kinds every server serves from the start: the ones Kratix, its users and their tools touch.
public enum BuiltinResources {
    public static let all: [APIResource] = [
        APIResource(group: "", version: "v1", kind: "Namespace", plural: "namespaces", namespaced: false, shortNames: ["ns"], subresources: ["status", "finalize"]),
        APIResource(group: "", version: "v1", kind: "ConfigMap", plural: "configmaps", namespaced: true, shortNames: ["cm"]),
        APIResource(group: "", version: "v1", kind: "Secret", plural: "secrets", namespaced: true),
        APIResource(group: "", version: "v1", kind: "ServiceAccount", plural: "serviceaccounts", namespaced: true, shortNames: ["sa"], subresources: ["token"]),
        APIResource(group: "", version: "v1", kind: "Pod", plural: "pods", namespaced: true, shortNames: ["po"], categories: ["all"], subresources: ["status", "log"]),
        APIResource(group: "", version: "v1", kind: "Service", plural: "services", namespaced: true, shortNames: ["svc"], categories: ["all"], subresources: ["status"]),
        APIResource(group: "", version: "v1", kind: "Event", plural: "events", namespaced: true, shortNames: ["ev"]),
        APIResource(group: "events.k8s.io", version: "v1", kind: "Event", plural: "events", namespaced: true, shortNames: ["ev"]),
        APIResource(group: "apps", version: "v1", kind: "Deployment", plural: "deployments", namespaced: true, shortNames: ["deploy"], categories: ["all"], subresources: ["status", "scale"]),
        APIResource(group: "apps", version: "v1", kind: "ReplicaSet", plural: "replicasets", namespaced: true, shortNames: ["rs"], categories: ["all"], subresources: ["status", "scale"]),
        APIResource(group: "batch", version: "v1", kind: "Job", plural: "jobs", namespaced: true, categories: ["all"], subresources: ["status"]),
        APIResource(group: "rbac.authorization.k8s.io", version: "v1", kind: "Role", plural: "roles", namespaced: true),
        APIResource(group: "rbac.authorization.k8s.io", version: "v1", kind: "RoleBinding", plural: "rolebindings", namespaced: true),
        APIResource(group: "rbac.authorization.k8s.io", version: "v1", kind: "ClusterRole", plural: "clusterroles", namespaced: false),
        APIResource(group: "rbac.authorization.k8s.io", version: "v1", kind: "ClusterRoleBinding", plural: "clusterrolebindings", namespaced: false),
        APIResource(group: "coordination.k8s.io", version: "v1", kind: "Lease", plural: "leases", namespaced: true),
        APIResource(group: "admissionregistration.k8s.io", version: "v1", kind: "MutatingWebhookConfiguration", plural: "mutatingwebhookconfigurations",
                    namespaced: false, categories: ["api-extensions"]),
        APIResource(group: "admissionregistration.k8s.io", version: "v1", kind: "ValidatingWebhookConfiguration", plural: "validatingwebhookconfigurations",
                    namespaced: false, categories: ["api-extensions"]),
        APIResource(group: "apiextensions.k8s.io", version: "v1", kind: "CustomResourceDefinition", plural: "customresourcedefinitions", namespaced: false, shortNames: ["crd", "crds"], subresources: ["status"]),
    ]

    /// Answered, never stored (`POST` only; the access reviews and TokenReviews): listed in discovery so kubectl finds them, but not
    /// served by the store.
    public static let accessReviews: [APIResource] = [
        ("SelfSubjectAccessReview", "selfsubjectaccessreviews", false),
        ("SubjectAccessReview", "subjectaccessreviews", false),
        ("LocalSubjectAccessReview", "localsubjectaccessreviews", true),
    ].map { kind, plural, namespaced in
        var resource = APIResource(group: AccessReview.group, version: "v1", kind: kind, plural: plural, namespaced: namespaced)
        resource.verbs = ["create"]
        return resource
    } + [{
        var resource = APIResource(group: TokenReview.group, version: "v1", kind: "TokenReview", plural: "tokenreviews", namespaced: false)
        resource.verbs = ["create"]
        return resource
    }()]
}
