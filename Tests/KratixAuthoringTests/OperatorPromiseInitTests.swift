import Foundation
import KratixAuthoring
import KratixTerraform
import KubeModel
import Testing

/// upstream's `test/init_operator_promise_test.go`, structurally as it asserts (§5 scenario 4).
@Suite struct OperatorPromiseInitTests {
    static let manifests = CLITestData.url("test/assets").appendingPathComponent("operator").path

    static func files(split: Bool, version: String? = nil, crd: String = "postgresqls.acid.zalan.do") throws -> [String: JSONValue] {
        let request = OperatorPromiseInit.Request(
            options: InitOptions(name: "postgresql", group: "myorg.com", kind: "database", version: version, split: split),
            operatorManifests: manifests, apiSchemaFrom: crd)
        var out: [String: JSONValue] = [:]
        for file in try OperatorPromiseInit.files(request) {
            out[file.path] = file.path == "README.md"
                ? .string(file.contents) : try YAMLReader.documents(in: file.contents).first?.value ?? .null
        }
        return out
    }

    func expectTheOperatorCRD(_ crd: JSONValue?, version: String = "v1Stored") {
        #expect(crd?[path: ["metadata", "name"]] == "databases.myorg.com")
        #expect(crd?[path: ["spec", "group"]] == "myorg.com")
        #expect(crd?[path: ["spec", "names"]] == ["kind": "database", "plural": "databases", "singular": "database"])
        let versions = crd?[path: ["spec", "versions"]]?.arrayValue ?? []
        #expect(versions.count == 1)
        #expect(versions.first?["name"] == .string(version))
        #expect(versions.first?[path: ["schema", "openAPIV3Schema", "properties", "kind", "enum"]] == ["database"])
        #expect(versions.first?[path: ["schema", "openAPIV3Schema", "properties", "apiVersion", "enum"]] == [.string("myorg.com/\(version)")])
        #expect(versions.first?["served"] == true && versions.first?["storage"] == true)
    }

    func expectTheOperatorManifests(_ dependencies: JSONValue?) {
        let documents = dependencies?.arrayValue ?? []
        #expect(documents.count == 7)
        let names = documents.compactMap { $0[path: ["metadata", "name"]]?.stringValue }.sorted()
        #expect(names == [
            "operator-deployment", "operator-sa", "operatorconfigurations.acid.zalan.do", "pod-reader", "postgresqls.acid.zalan.do",
            "postgresteams.acid.zalan.do", "subdir-sa",
        ])
        let namespaces = documents.compactMap { $0[path: ["metadata", "namespace"]]?.stringValue }.sorted()
        #expect(namespaces == ["default", "default", "default", "default", "default", "default", "defined-namespace"])
    }

    func expectTheOperatorPipeline(_ pipelines: JSONValue?) {
        let list = pipelines?.arrayValue ?? []
        #expect(list.count == 1)
        let containers = list.first?[path: ["spec", "containers"]]?.arrayValue ?? []
        #expect(containers.count == 1)
        #expect(containers.first?["name"] == "from-api-to-operator")
        #expect(containers.first?["image"] == "ghcr.io/syntasso/kratix-cli/from-api-to-operator:v0.2.2")
        #expect(containers.first?["env"] == [
            ["name": "OPERATOR_GROUP", "value": "acid.zalan.do"], ["name": "OPERATOR_VERSION", "value": "v1Stored"],
            ["name": "OPERATOR_KIND", "value": "postgresql"],
        ])
    }

    func expectTheExample(_ example: JSONValue?) {
        #expect(example?[path: ["metadata", "name"]] == "example-database")
        #expect(example?[path: ["metadata", "namespace"]] == "default")
        #expect(example?["kind"] == "database")
        #expect(example?["apiVersion"] == "myorg.com/v1Stored")
        #expect(example?["spec"] == [
            "numberOfInstances": "# type integer", "teamId": "# type string", "postgresql": "# type object", "volume": "# type object",
        ])
    }

    @Test func splitFilesHoldTheOperatorItsCRDAndTheStage() throws {
        let files = try Self.files(split: true)
        #expect(Set(files.keys) == ["README.md", "api.yaml", "dependencies.yaml", "example-resource.yaml", "workflows/resource/configure/workflow.yaml"])
        expectTheOperatorCRD(files["api.yaml"])
        expectTheOperatorManifests(files["dependencies.yaml"])
        expectTheOperatorPipeline(files["workflows/resource/configure/workflow.yaml"])
        expectTheExample(files["example-resource.yaml"])
        let readme = try YAMLReader.singleDocument(in: files["README.md"]?.stringValue ?? "").stringValue ?? ""
        #expect(readme.contains(
            "init operator-promise postgresql --operator-manifests \(Self.manifests) --api-schema-from postgresqls.acid.zalan.do --group myorg.com --kind database"))
        #expect(!readme.contains("Pulumi PKO output"))
    }

    @Test func aFlatPromiseInlinesEveryOperatorDocument() throws {
        let files = try Self.files(split: false)
        #expect(Set(files.keys) == ["README.md", "example-resource.yaml", "promise.yaml"])
        let promise = files["promise.yaml"]
        #expect(promise?[path: ["metadata", "name"]] == "postgresql")
        #expect(promise?["apiVersion"] == "platform.kratix.io/v1alpha1" && promise?["kind"] == "Promise")
        #expect(promise?[path: ["metadata", "labels", "kratix.io/promise-version"]] == "v0.0.1")
        expectTheOperatorCRD(promise?[path: ["spec", "api"]])
        expectTheOperatorManifests(promise?[path: ["spec", "dependencies"]])
        expectTheOperatorPipeline(promise?[path: ["spec", "workflows", "resource", "configure"]])
        #expect(promise?[path: ["spec", "destinationSelectors"]] == nil)
        expectTheExample(files["example-resource.yaml"])
    }

    @Test func aGivenVersionRenamesTheStoredVersion() throws {
        let files = try Self.files(split: true, version: "v2beta1")
        expectTheOperatorCRD(files["api.yaml"], version: "v2beta1")
    }

    @Test func anUnknownCRDIsAnError() throws {
        #expect(throws: AuthoringError("no CRD found matching name: does-not-exist")) { try Self.files(split: true, crd: "does-not-exist") }
    }

    @Test func theSummaryTellsHowToMoveTheDependenciesToAWorkflow() {
        let request = OperatorPromiseInit.Request(
            options: InitOptions(name: "postgresql", group: "myorg.com", kind: "Database"), operatorManifests: "assets/operator",
            apiSchemaFrom: "postgresqls.acid.zalan.do")
        #expect(OperatorPromiseInit.summary(request).last == "\tkratix update dependencies assets/operator --image yourorg/your-image:tag")
    }
}
