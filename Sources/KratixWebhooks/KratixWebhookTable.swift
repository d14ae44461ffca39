import KratixAPI
import KratixControllers
import KubeClient
import KubeModel
import KubeRuntime

/// Upstream's webhooks (revisions spec §4.1): names, paths, resources and operations, and the two
/// configurations that register them with the API server. The manifests, `kratix dev` and the
/// server all read this one table.
public enum KratixWebhookTable {
    public struct Endpoint: Sendable, Equatable {
        public var name: String
        public var path: String
        public var resource: String
        public var operations: [String]
        public var mutating: Bool
    }

    public static let mutatingConfigurationName = "kratix-platform-mutating-webhook-configuration"
    public static let validatingConfigurationName = "kratix-platform-validating-webhook-configuration"
    public static let serviceName = "kratix-platform-webhook-service"
    public static let secretName = "webhook-server-cert"
    /// Where cert-manager's Secret is mounted in upstream's Deployment.
    public static let certificateDirectory = "/tmp/k8s-webhook-server/serving-certs"

    public static let endpoints: [Endpoint] = [
        Endpoint(name: "mdestination.kb.io", path: "/mutate-platform-kratix-io-v1alpha1-destination", resource: "destinations",
                 operations: ["CREATE", "UPDATE"], mutating: true),
        Endpoint(name: "mpromise.kb.io", path: "/mutate-platform-kratix-io-v1alpha1-promise", resource: "promises",
                 operations: ["CREATE", "UPDATE"], mutating: true),
        Endpoint(name: "vbucketstatestore-v1alpha1.kb.io", path: "/validate-platform-kratix-io-v1alpha1-bucketstatestore",
                 resource: "bucketstatestores", operations: ["CREATE", "UPDATE"], mutating: false),
        Endpoint(name: "vdestination.kb.io", path: "/validate-platform-kratix-io-v1alpha1-destination", resource: "destinations",
                 operations: ["CREATE", "UPDATE"], mutating: false),
        Endpoint(name: "vpromise.kb.io", path: "/validate-platform-kratix-io-v1alpha1-promise", resource: "promises",
                 operations: ["CREATE", "UPDATE"], mutating: false),
        Endpoint(name: "vpromiserelease.kb.io", path: "/validate-platform-kratix-io-v1alpha1-promiserelease", resource: "promisereleases",
                 operations: ["CREATE", "UPDATE"], mutating: false),
        Endpoint(name: "vpromiserevision-v1alpha1.kb.io", path: "/validate-platform-kratix-io-v1alpha1-promiserevision",
                 resource: "promiserevisions", operations: ["CREATE", "UPDATE", "DELETE"], mutating: false),
    ]

    /// The handler of each path.
    public static func handlers(client: KubeClient, reader: any ObjectReader, configuration: KratixConfiguration,
                                fetcher: any PromiseFetching = HTTPPromiseFetcher()) -> [String: any AdmissionHandler] {
        let byName: [String: any AdmissionHandler] = [
            "mdestination.kb.io": DestinationDefaulting(),
            "mpromise.kb.io": PromiseDefaulting(),
            "vbucketstatestore-v1alpha1.kb.io": BucketStateStoreAdmission(),
            "vdestination.kb.io": DestinationValidation(reader: reader),
            "vpromise.kb.io": PromiseValidation(client: client, reader: reader, configuration: configuration),
            "vpromiserelease.kb.io": PromiseReleaseAdmission(reader: reader, fetcher: fetcher),
            "vpromiserevision-v1alpha1.kb.io": PromiseRevisionAdmission(),
        ]
        var out: [String: any AdmissionHandler] = [:]
        for endpoint in endpoints { out[endpoint.path] = byName[endpoint.name] }
        return out
    }

    /// The two webhook configurations, pointing at `service` in `namespace` (port 443), with
    /// `caBundle` when known (the manager writes it when it manages its own certificate).
    public static func configurations(namespace: String = KratixGroup.systemNamespace, caBundle: String? = nil) -> [KubeObject] {
        [(mutatingConfigurationName, "MutatingWebhookConfiguration", true), (validatingConfigurationName, "ValidatingWebhookConfiguration", false)]
            .map { name, kind, mutating in
                var object = KubeObject(apiVersion: "admissionregistration.k8s.io/v1", kind: kind, name: name)
                object.json["webhooks"] = .array(endpoints.filter { $0.mutating == mutating }.map { endpoint in
                    var clientConfig: JSONObject = [
                        "service": ["name": .string(serviceName), "namespace": .string(namespace), "path": .string(endpoint.path)],
                    ]
                    if let caBundle { clientConfig["caBundle"] = .string(caBundle) }
                    return [
                        "admissionReviewVersions": ["v1"],
                        "clientConfig": .object(clientConfig),
                        "failurePolicy": "Fail",
                        "name": .string(endpoint.name),
                        "rules": [[
                            "apiGroups": [.string(KratixGroup.group)], "apiVersions": [.string(KratixGroup.version)],
                            "operations": .array(endpoint.operations.map(JSONValue.string)), "resources": [.string(endpoint.resource)],
                        ]],
                        "sideEffects": "None",
                    ]
                })
                return object
            }
    }

    /// Registers the webhooks with an API server that reaches them on this machine (`kratix dev`
    /// and the tests): the webhook Service with `targetPort` the server's loopback port (which the
    /// embedded API server resolves to 127.0.0.1) and both configurations, replaced on each start
    /// as the port changes. The manager writes their CA bundle next.
    public static func register(client: KubeClient, loopbackPort port: Int, namespace: String = KratixGroup.systemNamespace) async throws {
        var service = KubeObject(apiVersion: "v1", kind: "Service", name: serviceName, namespace: namespace)
        service.json["spec"] = [
            "selector": ["control-plane": "controller-manager"],
            "ports": [["port": 443, "protocol": "TCP", "targetPort": .int(Int64(port))]],
        ]
        try await replace(client, .services, service)
        for configuration in configurations(namespace: namespace) {
            let resource: GroupVersionResource = configuration.kind == "MutatingWebhookConfiguration"
                ? .mutatingWebhookConfigurations : .validatingWebhookConfigurations
            try await replace(client, resource, configuration)
        }
    }

    /// Creates `object`, or replaces the members other than metadata of what is there.
    private static func replace(_ client: KubeClient, _ resource: GroupVersionResource, _ object: KubeObject) async throws {
        guard let existing = try await client.getOptional(resource, name: object.name ?? "", namespace: object.namespace) else {
            _ = try await client.create(resource, object, namespace: object.namespace)
            return
        }
        var updated = existing
        for (key, value) in object.json where key != "metadata" && key != "apiVersion" && key != "kind" { updated.json[key] = value }
        _ = try await client.update(resource, updated)
    }
}
