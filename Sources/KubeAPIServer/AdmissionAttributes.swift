import KubeModel

/// What admission knows of one write: upstream's `admission.Attributes`, and what an
/// `AdmissionReview` request carries.
struct AdmissionAttributes: Sendable {
    enum Operation: String, Sendable {
        case create = "CREATE", update = "UPDATE", delete = "DELETE", connect = "CONNECT"
    }

    var operation: Operation
    var resource: APIResource
    /// `""` for the object itself, else `status`, `scale`, …
    var subresource: String
    /// The object's name; empty on a create with `generateName` until the name is made.
    var name: String
    /// The request's namespace: empty for cluster-scoped kinds, the namespace's own name for a
    /// Namespace (as the real server sets it).
    var namespace: String
    /// The object written (nil for a delete).
    var object: JSONObject?
    /// The stored object an update or delete replaces.
    var oldObject: JSONObject?
    var user: UserInfo
    var dryRun: Bool
    /// `CreateOptions`, `UpdateOptions` or `DeleteOptions`, as sent.
    var options: JSONObject

    /// Admission webhooks are never called for writes of the admission configuration kinds, so
    /// that a broken webhook cannot lock out its own repair (upstream's
    /// `IsExemptAdmissionConfigurationResource`).
    static func isExempt(_ resource: APIResource) -> Bool {
        resource.group == "admissionregistration.k8s.io"
    }

    /// Upstream's request options for the admission review: `kind` and `apiVersion`
    /// `meta.k8s.io/v1`, `dryRun`, `fieldManager` and `fieldValidation` when sent.
    static func options(_ kind: String, query: [String: String]) -> JSONObject {
        var options: JSONObject = ["kind": .string(kind), "apiVersion": "meta.k8s.io/v1"]
        if let dryRun = query["dryRun"], !dryRun.isEmpty { options["dryRun"] = [.string(dryRun)] }
        if kind != "DeleteOptions" {
            if let manager = query["fieldManager"], !manager.isEmpty { options["fieldManager"] = .string(manager) }
            if let validation = query["fieldValidation"], !validation.isEmpty { options["fieldValidation"] = .string(validation) }
        }
        return options
    }
}
