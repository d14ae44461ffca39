import KubeModel

/// The parts of a `core/v1` PodSpec the runner acts on, read from the Pod object.
///
/// Read-only views: the Pod is created from the Job's template as JSON, so fields the runner does
/// not know (probes, resources, security contexts) are kept there untouched and simply not acted on.
struct PodSpec: Decodable, Sendable {
    var initContainers: [Container]?
    var containers: [Container]
    var volumes: [Volume]?
    var restartPolicy: String?
    var serviceAccountName: String?
    /// The deprecated alias of `serviceAccountName`, still honoured by the API server.
    var serviceAccount: String?
    var automountServiceAccountToken: Bool?
    var terminationGracePeriodSeconds: Int64?
    var activeDeadlineSeconds: Int64?
    var nodeName: String?
    var securityContext: SecurityContext?

    var effectiveServiceAccountName: String {
        if let name = serviceAccountName, !name.isEmpty { return name }
        if let name = serviceAccount, !name.isEmpty { return name }
        return "default"
    }

    var restartsOnFailure: Bool { restartPolicy == "OnFailure" || restartPolicy == "Always" }
}

struct Container: Decodable, Sendable {
    var name: String
    var image: String?
    var command: [String]?
    var args: [String]?
    var workingDir: String?
    var env: [EnvVar]?
    var envFrom: [EnvFromSource]?
    var volumeMounts: [VolumeMount]?
    var securityContext: SecurityContext?
}

struct EnvVar: Decodable, Sendable {
    var name: String
    var value: String?
    var valueFrom: EnvVarSource?
}

struct EnvVarSource: Decodable, Sendable {
    var fieldRef: ObjectFieldSelector?
    var resourceFieldRef: JSONValue?
    var configMapKeyRef: KeySelector?
    var secretKeyRef: KeySelector?
}

struct ObjectFieldSelector: Decodable, Sendable {
    var fieldPath: String
}

struct KeySelector: Decodable, Sendable {
    var name: String?
    var key: String
    var optional: Bool?
}

struct EnvFromSource: Decodable, Sendable {
    var prefix: String?
    var configMapRef: ObjectReference?
    var secretRef: ObjectReference?
}

struct ObjectReference: Decodable, Sendable {
    var name: String?
    var optional: Bool?
}

struct VolumeMount: Decodable, Sendable {
    var name: String
    var mountPath: String
    var readOnly: Bool?
    var subPath: String?
    var subPathExpr: String?
}

struct Volume: Decodable, Sendable {
    var name: String
    var emptyDir: JSONValue?
    var hostPath: HostPathSource?
    var secret: SecretSource?
    var configMap: ConfigMapSource?
    var projected: ProjectedSource?
    var downwardAPI: DownwardAPISource?
    /// Every other member: a volume type the runner cannot provide (persistentVolumeClaim, nfs, …).
    var unknownFields = UnknownFields()
}

struct HostPathSource: Decodable, Sendable {
    var path: String
    var type: String?
}

struct KeyToPath: Decodable, Sendable {
    var key: String
    var path: String
    var mode: Int?
}

struct SecretSource: Decodable, Sendable {
    var secretName: String?
    var items: [KeyToPath]?
    var defaultMode: Int?
    var optional: Bool?
}

struct ConfigMapSource: Decodable, Sendable {
    var name: String?
    var items: [KeyToPath]?
    var defaultMode: Int?
    var optional: Bool?
}

struct ProjectedSource: Decodable, Sendable {
    var sources: [VolumeProjection]?
    var defaultMode: Int?
}

struct VolumeProjection: Decodable, Sendable {
    var secret: ProjectedObject?
    var configMap: ProjectedObject?
    var serviceAccountToken: ServiceAccountTokenProjection?
    var downwardAPI: DownwardAPISource?
    var unknownFields = UnknownFields()
}

struct ProjectedObject: Decodable, Sendable {
    var name: String?
    var items: [KeyToPath]?
    var optional: Bool?
}

struct ServiceAccountTokenProjection: Decodable, Sendable {
    var audience: String?
    var expirationSeconds: Int64?
    var path: String
}

struct DownwardAPISource: Decodable, Sendable {
    var items: [DownwardAPIFile]?
    var defaultMode: Int?
}

struct DownwardAPIFile: Decodable, Sendable {
    var path: String
    var fieldRef: ObjectFieldSelector?
    var resourceFieldRef: JSONValue?
    var mode: Int?
}
