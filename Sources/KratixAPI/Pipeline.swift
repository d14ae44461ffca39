import KubeModel

/// A Pipeline: one Job's worth of containers in a Promise workflow.
///
/// Pipelines are not a served kind; they live inside Promises. Upstream decodes them with unknown
/// fields disallowed, so a typo anywhere fails the Promise; ``parse(_:path:)`` does the same.
public struct Pipeline: Codable, Sendable, Equatable {
    public static let apiKind = "Pipeline"

    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: PipelineSpec

    public init(name: String, spec: PipelineSpec) {
        self.apiVersion = KratixGroup.apiVersion
        self.kind = Pipeline.apiKind
        self.metadata = ObjectMeta(name: name)
        self.spec = spec
    }

    enum CodingKeys: String, CodingKey {
        case apiVersion, kind, metadata, spec
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try c.decodeIfPresent(String.self, forKey: .apiVersion) ?? ""
        kind = try c.decodeIfPresent(String.self, forKey: .kind) ?? ""
        metadata = try c.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        spec = try c.decodeIfPresent(PipelineSpec.self, forKey: .spec) ?? PipelineSpec()
    }

    public var name: String { metadata.name ?? "" }

    /// Parses one workflow entry strictly. `path` names the entry in errors
    /// (`spec.workflows.resource.configure[0]`).
    public static func parse(_ value: JSONValue, path: String) throws(ModelError) -> Pipeline {
        let pipeline = try JSONValueDecoder(strict: true, basePath: path).decode(Pipeline.self, from: value)
        guard pipeline.apiVersion == KratixGroup.apiVersion, pipeline.kind == Pipeline.apiKind else {
            throw ModelError(.invalidValue(
                field: FieldPath.join(path, "kind"),
                value: "\"\(pipeline.kind)/\(pipeline.apiVersion)\"",
                reason: "unsupported pipeline \"\(pipeline.name)\": expected kind Pipeline with apiVersion \(KratixGroup.apiVersion)"))
        }
        return pipeline
    }
}

public struct PipelineSpec: Codable, Sendable, Equatable {
    public var containers: [PipelineContainer]?
    public var imagePullSecrets: [JSONValue]?
    public var jobOptions: JobOptions?
    public var nodeSelector: [String: String]?
    public var tolerations: [JSONValue]?
    /// `Always`, `OnFailure` (default) or `Never`.
    public var restartPolicy: String?
    public var volumes: [JSONValue]?
    public var rbac: PipelineRBAC?

    public init(containers: [PipelineContainer]? = nil) {
        self.containers = containers
    }
}

/// The subset of a core Container that a Pipeline accepts; anything else is rejected.
public struct PipelineContainer: Codable, Sendable, Equatable {
    public var name: String?
    public var image: String?
    public var args: [String]?
    public var command: [String]?
    public var env: [JSONValue]?
    public var envFrom: [JSONValue]?
    public var volumeMounts: [JSONValue]?
    public var imagePullPolicy: String?
    public var securityContext: JSONValue?
    public var resources: JSONValue?

    public init(name: String, image: String, command: [String]? = nil, args: [String]? = nil) {
        self.name = name
        self.image = image
        self.command = command
        self.args = args
    }
}

public struct JobOptions: Codable, Sendable, Equatable {
    public var backoffLimit: Int32?
}

public struct PipelineRBAC: Codable, Sendable, Equatable {
    /// Used instead of the generated service account when set.
    public var serviceAccount: String?
    public var permissions: [PipelinePermission]?
}

/// A PolicyRule plus the namespace it applies to (`*` for all namespaces, empty for the pipeline's).
public struct PipelinePermission: Codable, Sendable, Equatable {
    public var apiGroups: [String]?
    public var resources: [String]?
    public var verbs: [String]?
    public var resourceNames: [String]?
    public var nonResourceURLs: [String]?
    public var resourceNamespace: String?
}
