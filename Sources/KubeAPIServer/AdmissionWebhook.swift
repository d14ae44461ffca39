import Foundation
import KubeModel

/// One webhook of a stored `MutatingWebhookConfiguration` or `ValidatingWebhookConfiguration`,
/// read once when the configuration is written (``AdmissionWebhookRegistry``), so that a write
/// only compares strings to know whether a webhook applies.
struct AdmissionWebhook: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case mutating, validating
    }

    /// What a failed call (unreachable, timed out, bad TLS, bad answer) does to the request.
    enum FailurePolicy: String, Sendable, Equatable {
        case fail = "Fail", ignore = "Ignore"
    }

    var name: String
    var configurationName: String
    var kind: Kind
    var clientConfig: WebhookClientConfig
    var rules: [WebhookRule]
    var failurePolicy: FailurePolicy
    var namespaceSelector: LabelSelector
    var objectSelector: LabelSelector
    /// `None`, `NoneOnDryRun`, `Some` or `Unknown`; only the first two are called on a dry run.
    var sideEffects: String?
    var timeoutSeconds: Int
    /// The `AdmissionReview` version sent: the first of the webhook's list this server speaks.
    var reviewVersion: String

    /// Whether the webhook may be called for a dry-run request.
    var allowsDryRun: Bool { sideEffects == "None" || sideEffects == "NoneOnDryRun" }

    /// Reads one entry of a stored (defaulted) configuration's `webhooks`.
    init(_ value: JSONValue, configurationName: String, kind: Kind) {
        name = value["name"]?.stringValue ?? ""
        self.configurationName = configurationName
        self.kind = kind
        clientConfig = WebhookClientConfig(value["clientConfig"] ?? .null)
        rules = (value["rules"]?.arrayValue ?? []).map(WebhookRule.init)
        failurePolicy = FailurePolicy(rawValue: value["failurePolicy"]?.stringValue ?? "Fail") ?? .fail
        namespaceSelector = Self.selector(value["namespaceSelector"])
        objectSelector = Self.selector(value["objectSelector"])
        sideEffects = value["sideEffects"]?.stringValue
        timeoutSeconds = Int(value["timeoutSeconds"]?.intValue ?? 10)
        let versions = (value["admissionReviewVersions"]?.arrayValue ?? []).compactMap(\.stringValue)
        reviewVersion = versions.first { $0 == "v1" || $0 == "v1beta1" } ?? "v1"
    }

    /// A `metav1.LabelSelector` as stored (a malformed one is refused on write); none selects everything.
    static func selector(_ value: JSONValue?) -> LabelSelector {
        value.flatMap { try? JSONValueDecoder().decode(LabelSelector.self, from: $0) } ?? LabelSelector()
    }
}

/// One entry of a webhook's `rules`: which operations on which resources it is called for.
struct WebhookRule: Sendable, Equatable {
    var operations: [String]
    var apiGroups: [String]
    var apiVersions: [String]
    /// `pods`, `pods/status`, `*` (every resource, no subresource), `*/*`, `pods/*`, `*/scale`.
    var resources: [String]
    /// `Cluster`, `Namespaced` or `*`.
    var scope: String

    init(_ value: JSONValue) {
        func strings(_ key: String) -> [String] { (value[key]?.arrayValue ?? []).compactMap(\.stringValue) }
        operations = strings("operations")
        apiGroups = strings("apiGroups")
        apiVersions = strings("apiVersions")
        resources = strings("resources")
        scope = value["scope"]?.stringValue ?? "*"
    }

    /// Upstream's `rules.Matcher`: scope, operation, group, version and resource/subresource.
    func matches(_ attributes: AdmissionAttributes) -> Bool {
        let resource = attributes.resource
        switch scope {
        case "Namespaced": if resource.isCoreNamespace || attributes.namespace.isEmpty { return false }
        case "Cluster": if !resource.isCoreNamespace && !attributes.namespace.isEmpty { return false }
        case "*": break
        default: return false
        }
        guard operations.contains(where: { $0 == "*" || $0 == attributes.operation.rawValue }),
              apiGroups.contains(where: { $0 == "*" || $0 == resource.group }),
              apiVersions.contains(where: { $0 == "*" || $0 == resource.version })
        else { return false }
        return resources.contains { entry in
            let parts = entry.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            let name = parts[0]
            let sub = parts.count == 2 ? parts[1] : ""
            return (name == "*" || name == resource.plural) && (sub == "*" || sub == attributes.subresource)
        }
    }
}

/// Where a webhook is called: `url`, or a Service, and the CA that signs its serving certificate.
struct WebhookClientConfig: Sendable, Equatable {
    enum Target: Sendable, Equatable {
        case url(String)
        case service(namespace: String, name: String, path: String, port: Int)
    }

    var target: Target
    /// `caBundle`, decoded: PEM certificates. Empty means the system's trust roots.
    var caBundle: [UInt8]

    init(_ value: JSONValue) {
        if let service = value["service"]?.objectValue {
            target = .service(
                namespace: service["namespace"]?.stringValue ?? "", name: service["name"]?.stringValue ?? "",
                path: service["path"]?.stringValue ?? "", port: Int(service["port"]?.intValue ?? 443))
        } else {
            target = .url(value["url"]?.stringValue ?? "")
        }
        caBundle = (value["caBundle"]?.stringValue).flatMap { Data(base64Encoded: $0) }.map { Array($0) } ?? []
    }
}

/// Every webhook of the stored configurations, in the order the real server calls them:
/// configurations sorted by name, webhooks in their order within each.
struct AdmissionWebhookSet: Sendable, Equatable {
    var mutating: [AdmissionWebhook] = []
    var validating: [AdmissionWebhook] = []

    var isEmpty: Bool { mutating.isEmpty && validating.isEmpty }

    static let mutatingResource = "mutatingwebhookconfigurations.admissionregistration.k8s.io"
    static let validatingResource = "validatingwebhookconfigurations.admissionregistration.k8s.io"

    /// The webhooks of the stored configuration objects.
    init(objects: [String: [String: JSONObject]]) {
        func read(_ groupResource: String, _ kind: AdmissionWebhook.Kind) -> [AdmissionWebhook] {
            (objects[groupResource] ?? [:]).values
                .map { (name: $0["metadata"]?["name"]?.stringValue ?? "", webhooks: $0["webhooks"]?.arrayValue ?? []) }
                .sorted { $0.name < $1.name }
                .flatMap { configuration in configuration.webhooks.map { AdmissionWebhook($0, configurationName: configuration.name, kind: kind) } }
        }
        mutating = read(Self.mutatingResource, .mutating)
        validating = read(Self.validatingResource, .validating)
    }

    init() {}
}
