import Foundation
import KubeModel
import Testing

@testable import KubeAPIServer

/// The dispatcher's decisions, with a transport that answers from the test instead of HTTPS:
/// which rules match, and what each kind of answer or failure becomes.
@Suite struct AdmissionWebhookDispatcherTests {
    /// Answers every call with `answer(review's request)`, as a webhook that echoes the uid.
    struct FakeTransport: AdmissionWebhookTransport {
        var answer: @Sendable (JSONValue) -> Result<JSONObject, WebhookCallFailure>

        func post(_ body: [UInt8], to endpoint: WebhookEndpoint, timeout: Duration) async throws(WebhookCallFailure) -> [UInt8] {
            let review = (try? JSONParser.parse(body)) ?? .null
            switch answer(review["request"] ?? .null) {
            case .success(var response):
                if response["uid"] == nil { response["uid"] = review[path: ["request", "uid"]] ?? .null }
                let answer: JSONValue = ["apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "response": .object(response)]
                return answer.serializedBytes()
            case .failure(let failure):
                throw failure
            }
        }
    }

    static let configMaps = BuiltinResources.all.first { $0.plural == "configmaps" }!
    static let pods = BuiltinResources.all.first { $0.plural == "pods" }!
    static let namespaces = BuiltinResources.all.first { $0.isCoreNamespace }!

    static func webhook(_ name: String, _ kind: AdmissionWebhook.Kind = .validating, failurePolicy: String = "Fail", sideEffects: String = "None",
                        resources: [String] = ["configmaps"]) -> AdmissionWebhook {
        AdmissionWebhook([
            "name": .string(name), "failurePolicy": .string(failurePolicy), "sideEffects": .string(sideEffects),
            "clientConfig": ["url": "https://127.0.0.1:1/hook"], "admissionReviewVersions": ["v1"],
            "rules": [["apiGroups": [""], "apiVersions": ["v1"], "operations": ["*"], "resources": .array(resources.map(JSONValue.string)), "scope": "*"]],
        ], configurationName: "test", kind: kind)
    }

    static func attributes(_ operation: AdmissionAttributes.Operation = .create, resource: APIResource = configMaps, subresource: String = "",
                           namespace: String = "default", object: JSONObject? = ["metadata": ["name": "x"]], dryRun: Bool = false) -> AdmissionAttributes {
        AdmissionAttributes(operation: operation, resource: resource, subresource: subresource, name: "x", namespace: namespace,
                            object: object, oldObject: nil, user: .admin, dryRun: dryRun, options: [:])
    }

    static func dispatcher(_ answer: @escaping @Sendable (JSONValue) -> Result<JSONObject, WebhookCallFailure>) -> AdmissionWebhookDispatcher {
        AdmissionWebhookDispatcher(transport: FakeTransport(answer: answer), store: ObjectStore(), logger: .init(label: "test"))
    }

    /// (resources of the rule, scope, resource, subresource, namespace, called?)
    static let ruleCases: [([String], String, String, String, String, Bool)] = [
        (["configmaps"], "*", "configmaps", "", "default", true),
        (["configmaps"], "*", "configmaps", "status", "default", false),
        (["*"], "*", "pods", "", "default", true),
        (["*"], "*", "pods", "status", "default", false),
        (["*/*"], "*", "pods", "status", "default", true),
        (["pods/*"], "*", "pods", "status", "default", true),
        // Upstream's matcher takes `pods/*` to cover the pod itself too (a `*` subresource
        // matches the empty one).
        (["pods/*"], "*", "pods", "", "default", true),
        (["*/status"], "*", "pods", "status", "default", true),
        (["pods/status"], "*", "pods", "status", "default", true),
        (["pods"], "Cluster", "pods", "", "default", false),
        (["pods"], "Namespaced", "pods", "", "default", true),
        (["namespaces"], "Cluster", "namespaces", "", "team-a", true),
        (["namespaces"], "Namespaced", "namespaces", "", "team-a", false),
    ]

    @Test(arguments: ruleCases)
    func rulesMatchResourcesSubresourcesAndScopesAsUpstream(_ testCase: ([String], String, String, String, String, Bool)) {
        let (resources, scope, plural, subresource, namespace, expected) = testCase
        let rule = WebhookRule(["apiGroups": ["*"], "apiVersions": ["v1"], "operations": ["CREATE"],
                                "resources": .array(resources.map(JSONValue.string)), "scope": .string(scope)])
        let resource = BuiltinResources.all.first { $0.plural == plural && $0.group.isEmpty }!
        #expect(rule.matches(Self.attributes(resource: resource, subresource: subresource, namespace: namespace)) == expected)
        #expect(!rule.matches(Self.attributes(.delete, resource: resource, subresource: subresource, namespace: namespace)))
    }

    @Test func answersThatBreakTheRulesAreFailedCalls() async throws {
        let wrongUID = Self.dispatcher { _ in .success(["uid": "not-the-request", "allowed": true]) }
        let error = await #expect(throws: APIError.self) { try await wrongUID.validate(Self.attributes(), webhooks: [Self.webhook("v.example.com")]) }
        #expect(error?.code == 500 && error?.reason == "InternalError")
        #expect(error?.message.hasPrefix("Internal error occurred: failed calling webhook \"v.example.com\": received invalid webhook response: expected response.uid=\"") == true,
                "\(error?.message ?? "")")
        #expect(error?.message.hasSuffix("\", got \"not-the-request\"") == true, "\(error?.message ?? "")")
        let patching = Self.dispatcher { _ in .success(["allowed": true, "patchType": "JSONPatch", "patch": "W10="]) }
        let patchError = await #expect(throws: APIError.self) { try await patching.validate(Self.attributes(), webhooks: [Self.webhook("v.example.com")]) }
        #expect(patchError?.message == "Internal error occurred: failed calling webhook \"v.example.com\": received invalid webhook response: validating webhook may not return response.patch")
        // The same answers are skipped under failurePolicy Ignore.
        #expect(try await wrongUID.validate(Self.attributes(), webhooks: [Self.webhook("v.example.com", failurePolicy: "Ignore")]) == [])
    }

    @Test func timeoutsAndDenialsWithoutAMessageOrACode() async throws {
        let timingOut = Self.dispatcher { _ in .failure(WebhookCallFailure(cause: "context deadline exceeded")) }
        let timeout = await #expect(throws: APIError.self) { try await timingOut.validate(Self.attributes(), webhooks: [Self.webhook("slow.example.com")]) }
        #expect(timeout?.message == "Internal error occurred: failed calling webhook \"slow.example.com\": failed to call webhook: Post \"https://127.0.0.1:1/hook?timeout=10s\": context deadline exceeded")
        let bare = Self.dispatcher { _ in .success(["allowed": false, "status": ["code": 200]]) }
        let denial = await #expect(throws: APIError.self) { try await bare.validate(Self.attributes(), webhooks: [Self.webhook("bare.example.com")]) }
        #expect(denial?.code == 400)
        #expect(denial?.message == "admission webhook \"bare.example.com\" denied the request without explanation")
    }

    @Test func aDryRunNeedsAWebhookWithoutSideEffects() async throws {
        let allowing = Self.dispatcher { _ in .success(["allowed": true]) }
        let refused = await #expect(throws: APIError.self) {
            try await allowing.validate(Self.attributes(dryRun: true), webhooks: [Self.webhook("effects.example.com", sideEffects: "Some")])
        }
        #expect(refused?.code == 400 && refused?.reason == "BadRequest")
        #expect(refused?.message == "admission webhook \"effects.example.com\" does not support dry run")
        #expect(try await allowing.validate(Self.attributes(dryRun: true), webhooks: [Self.webhook("none.example.com", sideEffects: "NoneOnDryRun")]) == [])
    }

    @Test func mutatingWebhooksSeeTheirPredecessorsPatchesAndCannotPatchADelete() async throws {
        let labelling = Self.dispatcher { request in
            let count = request[path: ["object", "metadata", "labels"]]?.objectValue?.count ?? 0
            let patch: JSONValue = count == 0
                ? [["op": "add", "path": "/metadata/labels", "value": ["first": "1"]]]
                : [["op": "add", "path": "/metadata/labels/second", "value": "2"]]
            return .success(["allowed": true, "patchType": "JSONPatch", "patch": .string(Data(patch.serializedBytes()).base64EncodedString()),
                             "warnings": .array([.string("saw \(count) labels")])])
        }
        let hooks = [Self.webhook("one.example.com", .mutating), Self.webhook("two.example.com", .mutating)]
        let (object, warnings) = try await labelling.mutate(Self.attributes(), webhooks: hooks)
        #expect(object?["metadata"]?["labels"] == ["first": "1", "second": "2"])
        #expect(warnings == ["saw 0 labels", "saw 1 labels"])
        let error = await #expect(throws: APIError.self) { try await labelling.mutate(Self.attributes(.delete, object: nil), webhooks: hooks) }
        #expect(error?.message == "Internal error occurred: admission webhook \"one.example.com\" attempted to modify the object, which is not supported for this operation")
        #expect(error?.warnings == ["saw 0 labels"])
    }

    @Test func aNamespacesOwnLabelsAreMatchedByTheNamespaceSelector() async throws {
        let allowing = Self.dispatcher { _ in .success(["allowed": true]) }
        var selective = Self.webhook("ns.example.com", resources: ["namespaces"])
        selective.namespaceSelector = LabelSelector(matchLabels: ["team": "a"])
        let labelled = Self.attributes(resource: Self.namespaces, namespace: "team-a", object: ["metadata": ["name": "team-a", "labels": ["team": "a"]]])
        #expect(try await allowing.applies(selective, to: labelled))
        let unlabelled = Self.attributes(resource: Self.namespaces, namespace: "team-b", object: ["metadata": ["name": "team-b"]])
        #expect(try await !allowing.applies(selective, to: unlabelled))
        // A namespaced object in a namespace that does not exist: upstream's NotFound.
        var podHook = Self.webhook("pods.example.com", resources: ["pods"])
        podHook.namespaceSelector = LabelSelector(matchLabels: ["team": "a"])
        let missing = await #expect(throws: APIError.self) { try await allowing.applies(podHook, to: Self.attributes(resource: Self.pods, namespace: "nowhere")) }
        #expect(missing?.code == 404 && missing?.message == "namespaces \"nowhere\" not found")
    }

    @Test func everyValidatingWebhookIsCalledAndTheFirstDenialIsReportedWithEveryWarning() async throws {
        let denying = Self.dispatcher { _ in .success(["allowed": false, "status": ["message": "no"], "warnings": ["careful"]]) }
        let hooks = [Self.webhook("a.example.com"), Self.webhook("b.example.com")]
        let error = await #expect(throws: APIError.self) { try await denying.validate(Self.attributes(), webhooks: hooks) }
        #expect(error?.message == "admission webhook \"a.example.com\" denied the request: no")
        #expect(error?.warnings == ["careful", "careful"])
    }
}

/// The configurations are read into the registry when written, deleted, and when a durable store
/// starts from its files.
@Suite struct AdmissionWebhookRegistryTests {
    @Test func theRegistryFollowsTheStoredConfigurations() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kratix-webhooks-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let resource = BuiltinResources.all.first { $0.plural == "validatingwebhookconfigurations" }!
        let configuration: JSONObject = [
            "apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingWebhookConfiguration", "metadata": ["name": "b"],
            "webhooks": [[
                "name": "kept.example.com", "clientConfig": ["url": "https://127.0.0.1:1/x"], "sideEffects": "None", "admissionReviewVersions": ["v1"],
                "rules": [["apiGroups": [""], "apiVersions": ["v1"], "operations": ["CREATE"], "resources": ["configmaps"]]],
            ]],
        ]
        do {
            let store = try ObjectStore(dataDirectory: directory)
            #expect(store.admissionWebhooks.current.isEmpty)
            _ = try await store.create(resource, namespace: nil, object: configuration, dryRun: false)
            var other = configuration
            other["metadata"] = ["name": "a"]
            var hook = configuration["webhooks"]?.arrayValue?.first?.objectValue ?? [:]
            hook["name"] = "first.example.com"
            other["webhooks"] = [.object(hook)]
            _ = try await store.create(resource, namespace: nil, object: other, dryRun: false)
            // Sorted by configuration name, as the real server calls them.
            #expect(store.admissionWebhooks.current.validating.map(\.name) == ["first.example.com", "kept.example.com"])
            _ = try await store.delete(resource, namespace: nil, name: "a", dryRun: false)
            #expect(store.admissionWebhooks.current.validating.map(\.name) == ["kept.example.com"])
        }
        let reopened = try ObjectStore(dataDirectory: directory)
        let webhooks = reopened.admissionWebhooks.current.validating
        #expect(webhooks.map(\.name) == ["kept.example.com"])
        #expect(webhooks.first?.failurePolicy == .fail && webhooks.first?.timeoutSeconds == 10)
    }
}
