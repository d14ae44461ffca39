import KratixAPI
import KubeModel

/// The CRD a Promise's `spec.api` becomes (§7.3): Kratix's status schema replaces the user's,
/// every version gets the status subresource and default printer columns, and the CRD is labelled
/// with its Promise so cleanup can find it.
public struct PromiseAPI: Sendable, Equatable {
    public var crd: KubeObject
    public var group: String
    public var kind: String
    public var plural: String
    /// The storage version (the one resource requests are read and written at).
    public var version: String
    public var namespaced: Bool

    public var resource: GroupVersionResource { GroupVersionResource(group: group, version: version, resource: plural) }
    public var apiVersion: String { "\(group)/\(version)" }
    public var crdName: String { crd.name ?? "\(plural).\(group)" }

    /// `nil` when the Promise has no API. Throws for an API that is not a usable CRD, naming the field.
    public static func make(for promise: Promise) throws(PromiseError) -> PromiseAPI? {
        guard promise.spec.hasAPI, let api = promise.spec.api else { return nil }
        func invalid(_ field: String, _ message: String) -> PromiseError {
            PromiseError(promise: promise.name, field: "spec.api.\(field)", message: message)
        }
        guard case .object(let written) = api else { throw invalid("", "must be a CustomResourceDefinition object") }
        // Field names as Go's encoding/json reads them upstream: without regard to case.
        var crd = CRDFieldCase.canonical(written)
        if let kind = crd["kind"]?.stringValue, kind != "CustomResourceDefinition" {
            throw invalid("kind", "\"\(kind)\" is not a CustomResourceDefinition")
        }
        guard case .object(var spec)? = crd["spec"] else { throw invalid("spec", "missing") }
        guard let group = spec["group"]?.stringValue, !group.isEmpty else { throw invalid("spec.group", "missing") }
        guard let kind = spec["names"]?["kind"]?.stringValue, !kind.isEmpty else { throw invalid("spec.names.kind", "missing") }
        guard let plural = spec["names"]?["plural"]?.stringValue, !plural.isEmpty else { throw invalid("spec.names.plural", "missing") }
        guard case .array(var versions)? = spec["versions"], !versions.isEmpty else { throw invalid("spec.versions", "at least one version is required") }
        let storageIndex = versions.firstIndex { $0["storage"]?.boolValue == true } ?? 0
        guard let version = versions[storageIndex]["name"]?.stringValue, !version.isEmpty else {
            throw invalid("spec.versions[\(storageIndex)].name", "missing")
        }
        let expectedName = "\(plural).\(group)"
        if let name = crd["metadata"]?["name"]?.stringValue, name != expectedName {
            throw invalid("metadata.name", "must be \"\(expectedName)\" (spec.names.plural + \".\" + spec.group)")
        }

        for index in versions.indices {
            guard case .object(var entry) = versions[index] else { throw invalid("spec.versions[\(index)]", "must be an object") }
            entry["subresources"] = ["status": [:]]
            if entry["additionalPrinterColumns"]?.arrayValue?.isEmpty ?? true {
                entry["additionalPrinterColumns"] = [
                    ["name": "message", "type": "string", "jsonPath": ".status.message"],
                    ["name": "status", "type": "string", "jsonPath": ".status.conditions[?(@.type==\"Reconciled\")].message"],
                ]
            }
            var schema = entry["schema"]?["openAPIV3Schema"]?.objectValue ?? ["type": "object"]
            var properties = schema["properties"]?.objectValue ?? [:]
            properties["status"] = statusSchema
            if index == storageIndex {
                var metadata = properties["metadata"]?.objectValue ?? ["type": "object"]
                if metadata["type"] == nil { metadata["type"] = "object" }
                // Upstream quirk kept: a user `metadata` without `properties` gets no name limit.
                if properties["metadata"] == nil || metadata["properties"] != nil {
                    var metadataProperties = metadata["properties"]?.objectValue ?? [:]
                    var name = metadataProperties["name"]?.objectValue ?? [:]
                    if name["type"] == nil { name["type"] = "string" }
                    name["maxLength"] = 63
                    metadataProperties["name"] = .object(name)
                    metadata["properties"] = .object(metadataProperties)
                }
                properties["metadata"] = .object(metadata)
            }
            schema["properties"] = .object(properties)
            entry["schema"] = ["openAPIV3Schema": .object(schema)]
            versions[index] = .object(entry)
        }
        spec["versions"] = .array(versions)
        crd["spec"] = .object(spec)
        crd["apiVersion"] = "apiextensions.k8s.io/v1"
        crd["kind"] = "CustomResourceDefinition"
        var metadata = crd["metadata"]?.objectValue ?? [:]
        metadata["name"] = .string(expectedName)
        // A CRD is cluster-scoped: the API server clears a namespace given to one, as it does for
        // upstream (`kratix init operator-promise` writes `namespace: default` into the API).
        metadata.removeValue(forKey: "namespace")
        var labels = metadata["labels"]?.objectValue ?? [:]
        labels[KratixLabels.promiseName] = .string(promise.name)
        metadata["labels"] = .object(labels)
        crd["metadata"] = .object(metadata)
        let scope = spec["scope"]?.stringValue ?? "Namespaced"
        return PromiseAPI(crd: KubeObject(crd), group: group, kind: kind, plural: plural, version: version,
                          namespaced: scope != "Cluster")
    }

    /// The status schema Kratix writes into every version (upstream's, `format: datetime` included).
    static let statusSchema: JSONValue = {
        let int64: JSONValue = ["type": "integer", "format": "int64"]
        let string: JSONValue = ["type": "string"]
        return [
            "type": "object",
            "x-kubernetes-preserve-unknown-fields": true,
            "properties": [
                "message": string,
                "observedGeneration": int64,
                "workflows": int64,
                "workflowsSucceeded": int64,
                "workflowsFailed": int64,
                "conditions": [
                    "type": "array",
                    "items": [
                        "type": "object",
                        "properties": [
                            "lastTransitionTime": ["type": "string", "format": "datetime"],
                            "message": string, "reason": string, "status": string, "type": string,
                        ],
                    ],
                ],
                "kratix": [
                    "type": "object",
                    "properties": [
                        "workflows": [
                            "type": "object",
                            "properties": [
                                "lastSuccessfulConfigureWorkflowTime": string,
                                "suspendedGeneration": int64,
                                "pipelines": [
                                    "type": "array",
                                    "items": [
                                        "type": "object",
                                        "properties": [
                                            "name": string, "phase": string, "message": string, "nextRetryAt": string,
                                            "attempts": int64,
                                            "lastTransitionTime": ["type": "string", "format": "datetime"],
                                        ],
                                    ],
                                ],
                            ],
                        ],
                    ],
                ],
            ],
        ]
    }()
}

/// A Promise that cannot be served as written; shown on its status and in a Warning event.
public struct PromiseError: Error, Sendable, CustomStringConvertible {
    public var promise: String
    public var field: String?
    public var message: String

    public init(promise: String, field: String? = nil, message: String) {
        self.promise = promise
        self.field = field
        self.message = message
    }

    public var description: String {
        "Promise \(promise): " + (field.map { "\($0): " } ?? "") + message
    }
}
