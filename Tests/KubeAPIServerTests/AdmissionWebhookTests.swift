import Foundation
import KratixTestSupport
import KubeModel
import Testing

@testable import KubeAPIServer

/// The embedded server calls admission webhooks as kube-apiserver does, checked through kubectl
/// against a webhook served over HTTPS by the test (``TestWebhookServer``).
@Suite struct AdmissionWebhookTests {
    /// The test webhook's answers, by path: `/deny` refuses objects labelled `deny=true` (403 with
    /// a message) and every delete (no code: 400), with two warnings; `/mutate` adds a label by
    /// JSON patch; `/allow` allows.
    static func respond(_ path: String, _ request: JSONValue) -> JSONObject {
        switch path {
        case "/deny", "/validate-platform-kratix-io-v1alpha1-promise":
            let warnings: JSONValue = ["first warning", "second warning"]
            if request["operation"] == "DELETE" {
                return ["allowed": false, "status": ["message": "deleting is not allowed"], "warnings": warnings]
            }
            if request[path: ["object", "metadata", "labels", "deny"]] == "true" {
                return ["allowed": false, "warnings": warnings,
                        "status": ["code": 403, "reason": "Forbidden", "message": "objects labelled deny=true are refused"]]
            }
            return ["allowed": true, "warnings": warnings]
        case "/mutate":
            let hasLabels = request[path: ["object", "metadata", "labels"]] != nil
            let patch: JSONValue = hasLabels
                ? [["op": "add", "path": "/metadata/labels/mutated", "value": "yes"]]
                : [["op": "add", "path": "/metadata/labels", "value": ["mutated": "yes"]]]
            return ["allowed": true, "patchType": "JSONPatch", "patch": .string(Data(patch.serializedBytes()).base64EncodedString()),
                    "warnings": ["mutated by the test webhook"]]
        default:
            return ["allowed": true]
        }
    }

    /// A webhook configuration's YAML: `clientConfig` is a URL on the test webhook, or `service`.
    static func configuration(_ kind: String, name: String, webhooks: [String]) -> String {
        """
        apiVersion: admissionregistration.k8s.io/v1
        kind: \(kind)
        metadata:
          name: \(name)
        webhooks:
        \(webhooks.joined(separator: "\n"))
        """
    }

    static func webhook(_ name: String, url: String, caBundle: String, operations: [String] = ["CREATE", "UPDATE"], resources: [String] = ["configmaps"],
                        extra: String = "") -> String {
        let extraLines = extra.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
        return """
        - name: \(name)
          clientConfig:
            url: \(url)
            caBundle: \(caBundle)
          rules:
          - apiGroups: [""]
            apiVersions: ["v1"]
            operations: [\(operations.map { "\"\($0)\"" }.joined(separator: ", "))]
            resources: [\(resources.map { "\"\($0)\"" }.joined(separator: ", "))]
          sideEffects: None
          admissionReviewVersions: ["v1"]
        \(extraLines)
        """.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
    }

    static func configMap(_ name: String, namespace: String = "default", labels: [String: String] = [:], data: String = "one") -> String {
        let labelLines = labels.sorted { $0.key < $1.key }.map { "    \($0.key): \"\($0.value)\"" }.joined(separator: "\n")
        return """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: \(name)
          namespace: \(namespace)
        \(labels.isEmpty ? "" : "  labels:\n" + labelLines)
        data:
          value: \(data)
        """
    }

    @Test func aDenialIsRefusedWithTheWebhooksMessageAndWarnings() async throws {
        try await TestServer.with(tls: true) { server in
            try await TestWebhookServer.with(respond: Self.respond) { webhook in
                try await Self.checkDenial(server, webhook)
            }
        }
    }

    static func checkDenial(_ server: TestServer, _ webhook: TestWebhookServer) async throws {
        let config = configuration("ValidatingWebhookConfiguration", name: "deny", webhooks: [
            Self.webhook("deny.example.com", url: "https://127.0.0.1:\(webhook.port)/deny", caBundle: webhook.caBundle),
        ])
        var result = try await server.kubectl(["apply", "-f", "-"], stdin: config)
        #expect(result.status == 0, "\(result.stderr)")
        result = try await server.kubectl(["apply", "-f", "-"], stdin: configMap("refused", labels: ["deny": "true"]))
        #expect(result.status != 0)
        #expect(result.stderr.contains(
            "Error from server (Forbidden): error when creating \"STDIN\": admission webhook \"deny.example.com\" denied the request: objects labelled deny=true are refused"),
            "\(result.stderr)")
        #expect(result.stderr.contains("Warning: first warning\nWarning: second warning\n"), "\(result.stderr)")
        result = try await server.kubectl(["get", "configmap", "refused"])
        #expect(result.status != 0 && result.stderr.contains("NotFound"), "\(result.stderr)")
        // An allowed object is stored, and the warnings are printed all the same.
        result = try await server.kubectl(["apply", "-f", "-"], stdin: configMap("allowed"))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("Warning: first warning"), "\(result.stderr)")
        // Labelling it deny=true is an update the webhook refuses.
        result = try await server.kubectl(["label", "configmap", "allowed", "deny=true"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("admission webhook \"deny.example.com\" denied the request: objects labelled deny=true are refused"), "\(result.stderr)")
        // A validating webhook sees the object as it is stored: with its generated name and uid.
        let generated = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          generateName: made-
        """
        result = try await server.kubectl(["create", "-f", "-", "-o", "jsonpath={.metadata.name} {.metadata.uid}"], stdin: generated)
        #expect(result.status == 0, "\(result.stderr)")
        let reviews = await webhook.reviews()
        #expect(reviews.map { $0.review[path: ["request", "operation"]]?.stringValue ?? "" } == ["CREATE", "CREATE", "UPDATE", "CREATE"])
        let last = reviews.last?.review ?? .null
        let seen = "\(last[path: ["request", "name"]]?.stringValue ?? "") \(last[path: ["request", "object", "metadata", "uid"]]?.stringValue ?? "")"
        #expect(result.stdout.hasPrefix("made-") && seen == result.stdout, "stored \(result.stdout), validated \(seen)")
    }

    @Test func aMutatingWebhookBehindAServicePatchesTheObjectAndSeesTheUserAndTheOldObject() async throws {
        try await TestServer.with(tls: true) { server in
            try await TestWebhookServer.with(respond: Self.respond) { webhook in
                try await Self.checkMutation(server, webhook)
            }
        }
    }

    static func checkMutation(_ server: TestServer, _ webhook: TestWebhookServer) async throws {
        // The Service maps port 443 to the webhook's port on this machine.
        let service = """
        apiVersion: v1
        kind: Service
        metadata:
          name: webhook
          namespace: default
        spec:
          ports:
          - port: 443
            targetPort: \(webhook.port)
        """
        var result = try await server.kubectl(["apply", "-f", "-"], stdin: service)
        #expect(result.status == 0, "\(result.stderr)")
        let config = """
        apiVersion: admissionregistration.k8s.io/v1
        kind: MutatingWebhookConfiguration
        metadata:
          name: mutate
        webhooks:
        - name: mutate.example.com
          clientConfig:
            service: {name: webhook, namespace: default, path: /mutate}
            caBundle: \(webhook.caBundle)
          rules:
          - {apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["configmaps"]}
          sideEffects: None
          admissionReviewVersions: ["v1"]
        """
        result = try await server.kubectl(["apply", "-f", "-"], stdin: config)
        #expect(result.status == 0, "\(result.stderr)")
        result = try await server.kubectl(["apply", "-f", "-"], stdin: configMap("patched"))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("Warning: mutated by the test webhook"), "\(result.stderr)")
        result = try await server.kubectl(["get", "configmap", "patched", "-o", "jsonpath={.metadata.labels.mutated}"])
        #expect(result.stdout == "yes", "\(result.stderr)")
        result = try await server.kubectl(["apply", "-f", "-"], stdin: configMap("patched", data: "two"))
        #expect(result.status == 0, "\(result.stderr)")
        let reviews = await webhook.reviews().filter { $0.path == "/mutate" }
        try #require(reviews.count == 2)
        let create = reviews[0].review
        #expect(create["apiVersion"] == "admission.k8s.io/v1" && create["kind"] == "AdmissionReview")
        #expect(create[path: ["request", "operation"]] == "CREATE")
        #expect(create[path: ["request", "userInfo", "username"]] == "kratix-admin")
        #expect(create[path: ["request", "userInfo", "groups"]]?.arrayValue?.contains("system:masters") == true)
        #expect(create[path: ["request", "resource"]] == ["group": "", "version": "v1", "resource": "configmaps"])
        #expect(create[path: ["request", "kind"]] == ["group": "", "version": "v1", "kind": "ConfigMap"])
        #expect(create[path: ["request", "namespace"]] == "default" && create[path: ["request", "name"]] == "patched")
        #expect(create[path: ["request", "dryRun"]] == false)
        #expect(create[path: ["request", "oldObject"]] == .null)
        #expect(create[path: ["request", "options", "kind"]] == "CreateOptions")
        let update = reviews[1].review
        #expect(update[path: ["request", "operation"]] == "UPDATE")
        #expect(update[path: ["request", "object", "data", "value"]] == "two")
        #expect(update[path: ["request", "oldObject", "data", "value"]] == "one")
        #expect(update[path: ["request", "oldObject", "metadata", "labels", "mutated"]] == "yes")
        #expect(update[path: ["request", "options", "kind"]] == "UpdateOptions")
        // kubectl 1.33 sends `create configmap` as protobuf: the webhook gets it as JSON, and its
        // patch applies to it.
        let protobufKubectl = try #require(ProtobufBodyTests.versions.first { $0.hasSuffix("kubectl.1.33") }, "kubectl 1.33 is needed")
        result = try await server.kubectl(["create", "configmap", "from-protobuf", "--from-literal=a=b"], executable: protobufKubectl)
        #expect(result.status == 0, "\(result.stderr)")
        result = try await server.kubectl(["get", "configmap", "from-protobuf", "-o", "jsonpath={.metadata.labels.mutated} {.data.a}"])
        #expect(result.stdout == "yes b", "\(result.stderr)")
        // A service account's token: its name, groups and uid.
        result = try await server.kubectl(["create", "token", "default"])
        #expect(result.status == 0, "\(result.stderr)")
        let token = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        result = try await server.kubectl(["--token", token, "create", "configmap", "by-account"])
        #expect(result.status == 0, "\(result.stderr)")
        result = try await server.kubectl(["get", "serviceaccount", "default", "-o", "jsonpath={.metadata.uid}"])
        let accountUID = result.stdout
        let byAccount = await webhook.reviews().last?.review ?? .null
        #expect(byAccount[path: ["request", "userInfo"]] == [
            "username": "system:serviceaccount:default:default", "uid": .string(accountUID),
            "groups": ["system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated"],
        ])
    }

    @Test func rulesOperationsAndSelectorsChooseTheWebhooks() async throws {
        try await TestServer.with(tls: true) { server in
            try await TestWebhookServer.with(respond: Self.respond) { webhook in
                try await Self.checkSelection(server, webhook)
            }
        }
    }

    static func checkSelection(_ server: TestServer, _ webhook: TestWebhookServer) async throws {
        let url = "https://127.0.0.1:\(webhook.port)"
        let config = configuration("ValidatingWebhookConfiguration", name: "selection", webhooks: [
            Self.webhook("no-deletes.example.com", url: "\(url)/deny", caBundle: webhook.caBundle, operations: ["DELETE"]),
            Self.webhook("picky.example.com", url: "\(url)/allow", caBundle: webhook.caBundle, operations: ["CREATE"],
                         extra: "namespaceSelector: {matchLabels: {team: a}}\nobjectSelector: {matchExpressions: [{key: check, operator: In, values: [\"yes\"]}]}"),
            Self.webhook("pods-status.example.com", url: "\(url)/status", caBundle: webhook.caBundle, operations: ["*"], resources: ["pods/status"]),
        ])
        var result = try await server.kubectl(["apply", "-f", "-"], stdin: config)
        #expect(result.status == 0, "\(result.stderr)")
        for namespace in ["team-a", "team-b"] {
            result = try await server.kubectl(["create", "namespace", namespace])
            #expect(result.status == 0, "\(result.stderr)")
        }
        result = try await server.kubectl(["label", "namespace", "team-a", "team=a"])
        #expect(result.status == 0, "\(result.stderr)")
        for (name, namespace, labels) in [("picked", "team-a", ["check": "yes"]), ("unlabelled", "team-a", [:]), ("elsewhere", "team-b", ["check": "yes"])] {
            result = try await server.kubectl(["apply", "-f", "-"], stdin: configMap(name, namespace: namespace, labels: labels))
            #expect(result.status == 0, "\(result.stderr)")
        }
        // The DELETE-only rule is called for deletes alone, and refuses them (no code: 400; no
        // reason either, which kubectl prints as a bare "Error from server").
        result = try await server.kubectl(["delete", "configmap", "picked", "-n", "team-a"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("Error from server: admission webhook \"no-deletes.example.com\" denied the request: deleting is not allowed"),
                "\(result.stderr)")
        result = try await server.kubectl(["get", "configmap", "picked", "-n", "team-a", "-o", "name"])
        #expect(result.stdout == "configmap/picked\n", "\(result.stderr)")
        // A rule naming pods/status sees status writes, and not the pod's own.
        result = try await server.kubectl(["run", "worker", "--image=busybox", "--restart=Never"])
        #expect(result.status == 0, "\(result.stderr)")
        result = try await server.kubectl(["patch", "pod", "worker", "--subresource=status", "--type=merge", "-p", #"{"status": {"phase": "Running"}}"#])
        #expect(result.status == 0, "\(result.stderr)")
        let reviews = await webhook.reviews()
        let statusReviews = reviews.filter { $0.path == "/status" }.map(\.review)
        try #require(statusReviews.count == 1)
        #expect(statusReviews[0][path: ["request", "subResource"]] == "status" && statusReviews[0][path: ["request", "operation"]] == "UPDATE")
        #expect(statusReviews[0][path: ["request", "object", "status", "phase"]] == "Running")
        let picky = reviews.filter { $0.path == "/allow" }.map { $0.review[path: ["request", "name"]]?.stringValue ?? "" }
        #expect(picky == ["picked"])
        let deletes = reviews.filter { $0.path == "/deny" }
        try #require(deletes.count == 1)
        #expect(deletes[0].review[path: ["request", "operation"]] == "DELETE")
        #expect(deletes[0].review[path: ["request", "oldObject", "metadata", "name"]] == "picked")
        #expect(deletes[0].review[path: ["request", "object"]] == .null)
        #expect(deletes[0].review[path: ["request", "options", "kind"]] == "DeleteOptions")
    }

    @Test func failurePolicyDecidesWhenTheWebhookIsDownAndAWrongCAFailsTheCall() async throws {
        try await TestServer.with(tls: true) { server in
            try await TestWebhookServer.with(respond: Self.respond) { webhook in
                try await Self.checkFailures(server, webhook)
            }
        }
    }

    static func checkFailures(_ server: TestServer, _ webhook: TestWebhookServer) async throws {
        let downPort = TestNetwork.freePort()
        let downURL = "https://127.0.0.1:\(downPort)/deny"
        var result = try await server.kubectl(["apply", "-f", "-"], stdin: configuration("ValidatingWebhookConfiguration", name: "down", webhooks: [
            Self.webhook("down.example.com", url: downURL, caBundle: webhook.caBundle),
        ]))
        #expect(result.status == 0, "\(result.stderr)")
        result = try await server.kubectl(["create", "configmap", "while-down"])
        #expect(result.status != 0)
        #expect(result.stderr.contains(
            "error: failed to create configmap: Internal error occurred: failed calling webhook \"down.example.com\": failed to call webhook: Post \"\(downURL)?timeout=10s\": dial tcp 127.0.0.1:\(downPort): connect: connection refused"),
            "\(result.stderr)")
        // With failurePolicy Ignore the call's failure is skipped: the next request is served.
        result = try await server.kubectl(["patch", "validatingwebhookconfiguration", "down", "--type=json",
                                           "-p", #"[{"op": "replace", "path": "/webhooks/0/failurePolicy", "value": "Ignore"}]"#])
        #expect(result.status == 0, "\(result.stderr)")
        result = try await server.kubectl(["create", "configmap", "while-down"])
        #expect(result.status == 0, "\(result.stderr)")
        result = try await server.kubectl(["delete", "validatingwebhookconfiguration", "down"])
        #expect(result.status == 0, "\(result.stderr)")
        // A webhook that does not answer within timeoutSeconds.
        let hangURL = "https://127.0.0.1:\(webhook.port)/hang"
        result = try await server.kubectl(["apply", "-f", "-"], stdin: configuration("ValidatingWebhookConfiguration", name: "slow", webhooks: [
            Self.webhook("slow.example.com", url: hangURL, caBundle: webhook.caBundle, extra: "timeoutSeconds: 1"),
        ]))
        #expect(result.status == 0, "\(result.stderr)")
        result = try await server.kubectl(["create", "configmap", "too-slow"])
        #expect(result.status != 0)
        #expect(result.stderr.contains(
            "Internal error occurred: failed calling webhook \"slow.example.com\": failed to call webhook: Post \"\(hangURL)?timeout=1s\": context deadline exceeded"),
            "\(result.stderr)")
        result = try await server.kubectl(["delete", "validatingwebhookconfiguration", "slow"])
        #expect(result.status == 0, "\(result.stderr)")
        // A caBundle of another CA: the certificate is not trusted, the call fails.
        let otherCA = Data(try ServerCredentials.generate(hosts: ["127.0.0.1"]).caCertificatePEM.utf8).base64EncodedString()
        result = try await server.kubectl(["apply", "-f", "-"], stdin: configuration("ValidatingWebhookConfiguration", name: "wrong-ca", webhooks: [
            Self.webhook("wrong-ca.example.com", url: "https://127.0.0.1:\(webhook.port)/allow", caBundle: otherCA),
        ]))
        #expect(result.status == 0, "\(result.stderr)")
        result = try await server.kubectl(["create", "configmap", "untrusted"])
        #expect(result.status != 0)
        #expect(result.stderr.contains(
            "Internal error occurred: failed calling webhook \"wrong-ca.example.com\": failed to call webhook: Post \"https://127.0.0.1:\(webhook.port)/allow?timeout=10s\": tls: failed to verify certificate: x509: certificate signed by unknown authority"),
            "\(result.stderr)")
        #expect(await webhook.reviews().map(\.path) == ["/hang"], "the untrusted webhook is never sent the review")
    }

    @Test func serverSideDryRunCallsTheWebhooksWithDryRunAndStoresNothing() async throws {
        try await TestServer.with(tls: true) { server in
            try await TestWebhookServer.with(respond: Self.respond) { webhook in
                try await Self.checkDryRun(server, webhook)
            }
        }
    }

    static func checkDryRun(_ server: TestServer, _ webhook: TestWebhookServer) async throws {
        let url = "https://127.0.0.1:\(webhook.port)"
        var result = try await server.kubectl(["apply", "-f", "-"], stdin: configuration("MutatingWebhookConfiguration", name: "dry", webhooks: [
            Self.webhook("mutate.example.com", url: "\(url)/mutate", caBundle: webhook.caBundle),
        ]))
        #expect(result.status == 0, "\(result.stderr)")
        result = try await server.kubectl(["apply", "--dry-run=server", "-o", "jsonpath={.metadata.labels.mutated}", "-f", "-"], stdin: configMap("preview"))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "yes", "the dry run's answer carries the webhook's patch: \(result.stdout)")
        result = try await server.kubectl(["get", "configmap", "preview"])
        #expect(result.status != 0 && result.stderr.contains("NotFound"), "\(result.stderr)")
        let reviews = await webhook.reviews()
        try #require(reviews.count == 1)
        #expect(reviews[0].review[path: ["request", "dryRun"]] == true)
        #expect(reviews[0].review[path: ["request", "options", "dryRun"]] == ["All"])
    }

    /// Kratix's own configurations (spec §4.1: a Service in kratix-platform-system, port 443 to
    /// 9443 in a cluster) are accepted, and a Promise, a custom resource, is refused at apply.
    @Test func kratixsConfigurationsAreAcceptedAndACustomResourceIsRefusedAtApply() async throws {
        try await TestServer.with(tls: true) { server in
            try await TestWebhookServer.with(serviceHosts: ["kratix-platform-webhook-service.kratix-platform-system.svc"], respond: Self.respond) { webhook in
                try await Self.checkKratixConfigurations(server, webhook)
            }
        }
    }

    static func checkKratixConfigurations(_ server: TestServer, _ webhook: TestWebhookServer) async throws {
        let crd = TestServer.repositoryRoot.appendingPathComponent("manifests/crds/platform.kratix.io_promises.yaml").path
        var result = try await server.kubectl(["apply", "-f", crd])
        #expect(result.status == 0, "\(result.stderr)")
        let service = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: kratix-platform-system
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: kratix-platform-webhook-service
          namespace: kratix-platform-system
        spec:
          ports:
          - port: 443
            protocol: TCP
            targetPort: \(webhook.port)
          selector:
            control-plane: controller-manager
        """
        result = try await server.kubectl(["apply", "-f", "-"], stdin: service)
        #expect(result.status == 0, "\(result.stderr)")
        func entry(_ name: String, _ path: String, _ resource: String, _ operations: [String]) -> String {
            """
            - admissionReviewVersions:
              - v1
              clientConfig:
                caBundle: \(webhook.caBundle)
                service:
                  name: kratix-platform-webhook-service
                  namespace: kratix-platform-system
                  path: \(path)
              failurePolicy: Fail
              name: \(name)
              rules:
              - apiGroups:
                - platform.kratix.io
                apiVersions:
                - v1alpha1
                operations:
            \(operations.map { "    - \($0)" }.joined(separator: "\n"))
                resources:
                - \(resource)
              sideEffects: None
            """
        }
        let configurations = """
        apiVersion: admissionregistration.k8s.io/v1
        kind: MutatingWebhookConfiguration
        metadata:
          annotations:
            cert-manager.io/inject-ca-from: kratix-platform-system/kratix-platform-serving-cert
          name: kratix-platform-mutating-webhook-configuration
        webhooks:
        \(entry("mdestination.kb.io", "/mutate-platform-kratix-io-v1alpha1-destination", "destinations", ["CREATE", "UPDATE"]))
        \(entry("mpromise.kb.io", "/mutate-platform-kratix-io-v1alpha1-promise", "promises", ["CREATE", "UPDATE"]))
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingWebhookConfiguration
        metadata:
          annotations:
            cert-manager.io/inject-ca-from: kratix-platform-system/kratix-platform-serving-cert
          name: kratix-platform-validating-webhook-configuration
        webhooks:
        \(entry("vbucketstatestore-v1alpha1.kb.io", "/validate-platform-kratix-io-v1alpha1-bucketstatestore", "bucketstatestores", ["CREATE", "UPDATE"]))
        \(entry("vdestination.kb.io", "/validate-platform-kratix-io-v1alpha1-destination", "destinations", ["CREATE", "UPDATE"]))
        \(entry("vpromise.kb.io", "/validate-platform-kratix-io-v1alpha1-promise", "promises", ["CREATE", "UPDATE"]))
        \(entry("vpromiserelease.kb.io", "/validate-platform-kratix-io-v1alpha1-promiserelease", "promisereleases", ["CREATE", "UPDATE"]))
        \(entry("vpromiserevision-v1alpha1.kb.io", "/validate-platform-kratix-io-v1alpha1-promiserevision", "promiserevisions", ["CREATE", "UPDATE", "DELETE"]))
        """
        result = try await server.kubectl(["apply", "-f", "-"], stdin: configurations)
        #expect(result.status == 0, "\(result.stderr)")
        result = try await server.kubectl(["get", "mutatingwebhookconfigurations,validatingwebhookconfigurations", "-o",
                                           "jsonpath={range .items[*]}{.metadata.name}={.webhooks[*].name} {end}"])
        #expect(result.stdout == "kratix-platform-mutating-webhook-configuration=mdestination.kb.io mpromise.kb.io "
                + "kratix-platform-validating-webhook-configuration=vbucketstatestore-v1alpha1.kb.io vdestination.kb.io vpromise.kb.io vpromiserelease.kb.io vpromiserevision-v1alpha1.kb.io ",
                "\(result.stderr)")
        let promise = """
        apiVersion: platform.kratix.io/v1alpha1
        kind: Promise
        metadata:
          name: refused
          labels:
            deny: "true"
        spec: {}
        """
        result = try await server.kubectl(["apply", "-f", "-"], stdin: promise)
        #expect(result.status != 0)
        #expect(result.stderr.contains(
            "Error from server (Forbidden): error when creating \"STDIN\": admission webhook \"vpromise.kb.io\" denied the request: objects labelled deny=true are refused"),
            "\(result.stderr)")
        let paths = await webhook.reviews().map(\.path)
        #expect(paths == ["/mutate-platform-kratix-io-v1alpha1-promise", "/validate-platform-kratix-io-v1alpha1-promise"])
        let validated = await webhook.reviews().last?.review ?? .null
        #expect(validated[path: ["request", "kind"]] == ["group": "platform.kratix.io", "version": "v1alpha1", "kind": "Promise"])
        #expect(validated[path: ["request", "namespace"]] == nil, "a Promise is cluster-scoped")
    }

    @Test func webhookConfigurationsAreServedDefaultedAndValidated() async throws {
        try await TestServer.with(tls: true) { server in
            try await Self.checkConfigurations(server)
        }
    }

    static func checkConfigurations(_ server: TestServer) async throws {
        var result = try await server.kubectl(["api-resources", "--api-group=admissionregistration.k8s.io", "-o", "name"])
        #expect(result.stdout == "mutatingwebhookconfigurations.admissionregistration.k8s.io\nvalidatingwebhookconfigurations.admissionregistration.k8s.io\n",
                "\(result.stderr)")
        let minimal = """
        apiVersion: admissionregistration.k8s.io/v1
        kind: MutatingWebhookConfiguration
        metadata:
          name: minimal
        webhooks:
        - name: minimal.example.com
          clientConfig:
            service: {name: svc, namespace: default}
          rules:
          - {apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["pods"]}
          sideEffects: NoneOnDryRun
          admissionReviewVersions: ["v1"]
        """
        result = try await server.kubectl(["apply", "-f", "-"], stdin: minimal)
        #expect(result.status == 0, "\(result.stderr)")
        result = try await server.kubectl(["get", "mutatingwebhookconfiguration", "minimal", "-o", "json"])
        let stored = try JSONParser.parse(Array(result.stdout.utf8))
        let hook = stored[path: ["webhooks"]]?.arrayValue?.first ?? .null
        #expect(hook["failurePolicy"] == "Fail")
        #expect(hook["matchPolicy"] == "Equivalent")
        #expect(hook["namespaceSelector"] == [:] && hook["objectSelector"] == [:])
        #expect(hook["timeoutSeconds"] == 10)
        #expect(hook["reinvocationPolicy"] == "Never")
        #expect(hook[path: ["rules"]]?.arrayValue?.first?["scope"] == "*")
        #expect(hook[path: ["clientConfig", "service", "port"]] == 443)
        // A second apply merges the webhooks by name, as a real server's strategic merge patch does.
        let changed = minimal.replacingOccurrences(of: "  sideEffects: NoneOnDryRun", with: "  sideEffects: NoneOnDryRun\n  failurePolicy: Ignore")
        result = try await server.kubectl(["apply", "-f", "-"], stdin: changed)
        #expect(result.status == 0, "\(result.stderr)")
        result = try await server.kubectl(["get", "mutatingwebhookconfiguration", "minimal", "-o", "jsonpath={.webhooks[*].failurePolicy} {.webhooks[*].name} {.metadata.generation}"])
        #expect(result.stdout == "Ignore minimal.example.com 2", "\(result.stderr)")
        result = try await server.kubectl(["get", "mutatingwebhookconfigurations"])
        #expect(result.stdout.hasPrefix("NAME      WEBHOOKS   AGE\nminimal   1          "), "\(result.stdout)\(result.stderr)")
        // What the real server refuses.
        let invalid = """
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingWebhookConfiguration
        metadata:
          name: invalid
        webhooks:
        - name: short.name
          clientConfig:
            url: http://127.0.0.1/x
          rules:
          - {apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["pods"]}
          sideEffects: Some
          timeoutSeconds: 31
          objectSelector:
            matchExpressions: [{key: a, operator: Equals, values: [b]}, {key: c, operator: In}]
        """
        result = try await server.kubectl(["apply", "-f", "-"], stdin: invalid)
        #expect(result.status != 0)
        for cause in [
            "The ValidatingWebhookConfiguration \"invalid\" is invalid: ",
            "webhooks[0].name: Invalid value: \"short.name\": should be a domain with at least three segments separated by dots",
            "webhooks[0].sideEffects: Unsupported value: \"Some\": supported values: \"None\", \"NoneOnDryRun\"",
            "webhooks[0].timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds",
            "webhooks[0].clientConfig.url: Invalid value: \"http://127.0.0.1/x\": 'https' is the only allowed URL scheme",
            "webhooks[0].admissionReviewVersions: Required value: must specify one of v1, v1beta1",
            "webhooks[0].objectSelector.matchExpressions[0].operator: Invalid value: \"Equals\": not a valid selector operator",
            "webhooks[0].objectSelector.matchExpressions[1].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
        ] {
            #expect(result.stderr.contains(cause), "\(cause) in \(result.stderr)")
        }
    }
}
