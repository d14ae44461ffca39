import Foundation
import KratixTestSupport
import Testing

@testable import KratixAPI
@testable import KratixCLI
@testable import KubeModel
import KratixWebhooks

/// The install manifests as kubectl's own kustomize renders them.
@Suite struct InstallManifestsTests {
    static func rendered() async throws -> [JSONValue] {
        let kubectl = try #require(Support.kubectl, "kubectl is needed (apt-get install kubernetes-client)")
        let result = try await Support.run(kubectl, ["kustomize", Support.repositoryRoot.appendingPathComponent("manifests").path])
        #expect(result.status == 0, "\(result.stderr)")
        return try YAMLReader.documents(in: result.stdout, source: "kubectl kustomize").map(\.value)
    }

    @Test func kustomizeRendersEveryObject() async throws {
        let objects = try await Self.rendered()
        let kinds = objects.compactMap { $0["kind"]?.stringValue }
        #expect(kinds.filter { $0 == "CustomResourceDefinition" }.count == KratixCRDs.all.count)
        for kind in ["Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "ConfigMap", "Deployment", "Service"] {
            #expect(kinds.contains(kind), "kustomize output has no \(kind)")
        }
        // The CRDs kustomize emits are the generated ones (kustomize adds only the part-of label).
        for crd in KratixCRDs.all {
            let found = objects.first { $0[path: ["metadata", "name"]]?.stringValue == crd.name }
            #expect(found?["spec"] == crd.json["spec"], "\(crd.name) differs after kustomize")
            #expect(found?[path: ["metadata", "labels", "app.kubernetes.io/part-of"]] == "kratix")
        }
        for object in objects where object["kind"] != "CustomResourceDefinition" && object["kind"] != "Namespace"
            && object["kind"] != "ClusterRole" && object["kind"] != "ClusterRoleBinding"
            && object["kind"] != "MutatingWebhookConfiguration" && object["kind"] != "ValidatingWebhookConfiguration"
        {
            #expect(object[path: ["metadata", "namespace"]] == "kratix-platform-system", "\(object["kind"] ?? nil) is outside the system namespace")
        }
    }

    @Test func configMapCarriesTheDocumentedDefaults() async throws {
        let objects = try await Self.rendered()
        let configMap = try #require(objects.first { $0["kind"] == "ConfigMap" && $0[path: ["metadata", "name"]] == "kratix" })
        let text = try #require(configMap[path: ["data", "config"]]?.stringValue)
        let config = try YAMLReader.singleDocument(in: text, source: "ConfigMap kratix")
        #expect(config["numberOfJobsToKeep"] == 5)
        #expect(config["reconciliationInterval"] == "10h")
        #expect(config[path: ["workflows", "reconcileAfterFailure"]] == true)
        #expect(config["resourceBindingVersionStrategy"] == "floating")
        #expect(config["stateStoreReconciliationInterval"] == "10h")
        #expect(config[path: ["git", "minimumFetchInterval"]] == "5s")
        #expect(config[path: ["logging", "structured"]] == true)
    }

    @Test func deploymentRunsTheManagerWithFlagsItAccepts() async throws {
        let objects = try await Self.rendered()
        let deployment = try #require(objects.first { $0["kind"] == "Deployment" })
        let container = try #require(deployment[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.first)
        #expect(container["command"] == ["/usr/local/bin/kratix", "manager"])
        let argValues = try #require(container["args"]?.arrayValue)
        let args = argValues.compactMap { $0.stringValue }
        let parsed = try ManagerCommand.parse(args)
        #expect(parsed.leaderElect)
        #expect(parsed.healthProbeBindAddress == ":8081")
        #expect(container[path: ["securityContext", "readOnlyRootFilesystem"]] == true)
        #expect(container[path: ["livenessProbe", "httpGet", "port"]] == 8081)
        #expect(deployment[path: ["spec", "template", "spec", "serviceAccountName"]] == "kratix-platform-controller-manager")
    }

    /// The webhook configurations installed are the ones the manager serves (one table), and the
    /// Service and Deployment reach its port.
    @Test func webhookConfigurationsMatchWhatTheManagerServes() async throws {
        let objects = try await Self.rendered()
        for expected in KratixWebhookTable.configurations() {
            let found = try #require(objects.first { $0["kind"]?.stringValue == expected.kind && $0[path: ["metadata", "name"]]?.stringValue == expected.name })
            // kustomize adds the part-of label; everything else is as the table says.
            var object = found.objectValue ?? [:]
            var metadata = object["metadata"]?.objectValue ?? [:]
            metadata["labels"] = nil
            object["metadata"] = .object(metadata)
            #expect(JSONValue.object(object) == expected.value, "\(expected.name ?? "") differs from KratixWebhookTable")
        }
        let service = try #require(objects.first { $0["kind"] == "Service" && $0[path: ["metadata", "name"]] == "kratix-platform-webhook-service" })
        #expect(service[path: ["spec", "ports"]]?.arrayValue?.first?["targetPort"] == 9443)
        let deployment = try #require(objects.first { $0["kind"] == "Deployment" })
        let args = (deployment[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.first?["args"]?.arrayValue ?? []).compactMap(\.stringValue)
        #expect(try ManagerCommand.parse(args).webhookBindAddress == ":9443")
    }

    /// `kratix manifests install` is the same objects as `kubectl kustomize manifests/`, in apply order.
    @Test func oneFileInstallEqualsTheKustomizeSource() async throws {
        let rendered = try await Self.rendered()
        let install = try InstallManifests.objects()
        func key(_ object: JSONValue) -> String {
            "\(object["kind"]?.stringValue ?? "")/\(object[path: ["metadata", "namespace"]]?.stringValue ?? "")/\(object[path: ["metadata", "name"]]?.stringValue ?? "")"
        }
        #expect(install.map(key).sorted() == rendered.map(key).sorted())
        for object in rendered {
            let ours = install.first { key($0) == key(object) }
            #expect(ours == object, "\(key(object)) differs between manifests/ and kratix manifests install (run scripts/generate-install-manifests)")
        }
        // What others refer to comes first.
        let kinds = install.compactMap { $0["kind"]?.stringValue }
        #expect(kinds.first == "Namespace")
        #expect(kinds.lastIndex(of: "CustomResourceDefinition")! < kinds.firstIndex(of: "Deployment")!)
        #expect(kinds.lastIndex(of: "ServiceAccount")! < kinds.firstIndex(of: "Deployment")!)
        #expect(kinds.last == "ValidatingWebhookConfiguration")
    }

    /// The printed stream is accepted by a server's dry run, and `--image`/`--namespace` retarget it.
    @Test func installIsAcceptedByAServerDryRunAndRetargets() async throws {
        let kratix = Support.kratixBinary.path
        let printed = try await Support.run(kratix, ["manifests", "install", "--image", "registry.local/kratix:9", "--namespace", "kratix-x"])
        #expect(printed.status == 0, "\(printed.stderr)")
        let objects = try YAMLReader.documents(in: printed.stdout, source: "kratix manifests install").map(\.value)
        let deployment = try #require(objects.first { $0["kind"] == "Deployment" })
        #expect(deployment[path: ["metadata", "namespace"]] == "kratix-x")
        #expect(deployment[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.first?["image"] == "registry.local/kratix:9")
        #expect(objects.first { $0["kind"] == "ConfigMap" && $0[path: ["data", "PIPELINE_ADAPTER_IMG"]] != nil }?[path: ["data", "PIPELINE_ADAPTER_IMG"]] == "registry.local/kratix:9")
        #expect(objects.first { $0["kind"] == "Namespace" }?[path: ["metadata", "name"]] == "kratix-x")
        #expect(!printed.stdout.contains("namespace: kratix-platform-system"))
        try await TestAPIServer.with(tls: true) { server in
            // As on any cluster, a server-side dry run cannot create objects in a namespace the
            // same dry run only pretends to create: the namespace exists first.
            _ = try await server.kubectl(["create", "namespace", "kratix-platform-system"])
            let applied = try await server.kubectl(["apply", "--dry-run=server", "-f", "-"], stdin: try InstallManifests.yaml())
            #expect(applied.status == 0, "\(applied.stderr)")
            #expect(applied.stdout.split(separator: "\n").filter { $0.hasSuffix("(server dry run)") }.count == 27, "\(applied.stdout)")
        }
    }

    @Test func everyManifestIsStructurallyValid() async throws {
        for object in try await Self.rendered() where object["kind"] == "CustomResourceDefinition" {
            let schema = try #require(object[path: ["spec", "versions"]]?.arrayValue?.first?[path: ["schema", "openAPIV3Schema"]])
            #expect(StructuralSchema.problems(in: schema) == [])
        }
    }
}
