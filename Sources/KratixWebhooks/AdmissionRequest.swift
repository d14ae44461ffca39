import KubeModel

/// The `request` of an `admission.k8s.io/v1` `AdmissionReview`, as a webhook needs it.
public struct AdmissionRequest: Sendable, Equatable {
    public enum Operation: String, Sendable {
        case create = "CREATE"
        case update = "UPDATE"
        case delete = "DELETE"
        case connect = "CONNECT"
    }

    public var uid: String
    public var operation: Operation
    public var name: String
    public var namespace: String
    /// `resource.resource`, e.g. `promises`.
    public var resource: String
    public var username: String
    public var object: KubeObject?
    public var oldObject: KubeObject?
    public var dryRun: Bool

    public init(uid: String, operation: Operation, name: String = "", namespace: String = "", resource: String = "",
                username: String = "", object: KubeObject? = nil, oldObject: KubeObject? = nil, dryRun: Bool = false) {
        self.uid = uid
        self.operation = operation
        self.name = name
        self.namespace = namespace
        self.resource = resource
        self.username = username
        self.object = object
        self.oldObject = oldObject
        self.dryRun = dryRun
    }

    /// Reads the review's request; nil when the body is not an `AdmissionReview` with one.
    public init?(review: JSONValue) {
        guard let request = review["request"], let uid = request["uid"]?.stringValue,
              let operation = request["operation"]?.stringValue.flatMap(Operation.init(rawValue:)) else { return nil }
        self.init(uid: uid, operation: operation, name: request["name"]?.stringValue ?? "",
                  namespace: request["namespace"]?.stringValue ?? "", resource: request["resource"]?["resource"]?.stringValue ?? "",
                  username: request["userInfo"]?["username"]?.stringValue ?? "",
                  object: request["object"].flatMap { $0.isNull ? nil : KubeObject($0) },
                  oldObject: request["oldObject"].flatMap { $0.isNull ? nil : KubeObject($0) },
                  dryRun: request["dryRun"]?.boolValue ?? false)
    }
}
