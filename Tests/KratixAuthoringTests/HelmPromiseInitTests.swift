import ChildProcesses
import Foundation
import KratixTestSupport
import KubeModel
import Testing

@testable import KratixAuthoring

/// A small chart written by the test: no network, no helm.
enum TestChart {
    static let values = """
        replicaCount: 1
        image:
          repository: nginx
          tag: "1.27"
          pullPolicy: IfNotPresent
        service:
          enabled: true
          ports: []
        ingress:
          hosts:
            - host: example.local
              paths: [/]
        resources:
        ratio: 0.5

        """

    static func write(in dir: ScratchDirectory, as name: String = "demo") throws -> URL {
        try dir.write("\(name)/Chart.yaml", "apiVersion: v2\nname: \(name)\nversion: 0.1.0\n")
        try dir.write("\(name)/values.yaml", values)
        try dir.write("\(name)/templates/configmap.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n")
        return dir.url.appendingPathComponent(name)
    }

    /// `helm package` without helm: the chart directory as a gzipped tarball.
    static func package(in dir: ScratchDirectory, as name: String = "demo") async throws -> URL {
        _ = try write(in: dir, as: name)
        let archive = dir.url.appendingPathComponent("\(name)-0.1.0.tgz")
        let result = try await TestShell.run("tar", ["-czf", archive.path, "-C", dir.path, name])
        #expect(result.status == 0, "\(result.stderr)")
        return archive
    }
}

@Suite struct HelmPromiseInitTests {
    static let expectedSchema = """
        default: {}
        properties:
          image:
            properties:
              pullPolicy:
                type: string
              repository:
                type: string
              tag:
                type: string
            type: object
            x-kubernetes-preserve-unknown-fields: true
          ingress:
            properties:
              hosts:
                items:
                  properties:
                    host:
                      type: string
                    paths:
                      items:
                        type: string
                      type: array
                  type: object
                  x-kubernetes-preserve-unknown-fields: true
                type: array
            type: object
            x-kubernetes-preserve-unknown-fields: true
          ratio:
            type: number
          replicaCount:
            type: number
          resources:
            type: object
            x-kubernetes-preserve-unknown-fields: true
          service:
            properties:
              enabled:
                type: boolean
              ports:
                items:
                  x-kubernetes-int-or-string: true
                type: array
            type: object
            x-kubernetes-preserve-unknown-fields: true
        type: object

        """

    @Test func promiseFromALocalChartDirectoryFollowsTheTemplate() async throws {
        let dir = try ScratchDirectory()
        defer { dir.remove() }
        let chart = try TestChart.write(in: dir)
        let files = try await HelmPromiseInit.run(.init(
            name: "demo", chart: HelmChartSource(url: chart.path, version: "0.1.0"), group: "example.io", kind: "Demo"))
        let byPath = Dictionary(uniqueKeysWithValues: files.map { ($0.path, $0.contents) })
        #expect(Set(byPath.keys) == ["promise.yaml", "example-resource.yaml", "README.md"])
        let promise = try #require(byPath["promise.yaml"])
        let schema = GoYAML.indent(18, Self.expectedSchema)
        let expected = """
            apiVersion: platform.kratix.io/v1alpha1
            kind: Promise
            metadata:
              name: demo
              labels:
                kratix.io/promise-version: v0.0.1
            spec:
              api:
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata:
                  name: demos.example.io
                spec:
                  group: example.io
                  names:
                    kind: Demo
                    plural: demos
                    singular: demo
                  scope: Namespaced
                  versions:
                    - name: v1alpha1
                      schema:
                        openAPIV3Schema:
                          type: object
                          properties:
                            spec:
            \(schema)
                      served: true
                      storage: true
              workflows:
                promise:
                  configure:
                    []
                resource:
                  configure:
                    - apiVersion: platform.kratix.io/v1alpha1
                      kind: Pipeline
                      metadata:
                        name: instance-configure
                      spec:
                        containers:
                        - env:
                          - name: CHART_URL
                            value: \(chart.path)
                          - name: CHART_VERSION
                            value: 0.1.0
                          image: ghcr.io/syntasso/kratix-cli/helm-resource-configure:v0.2.0
                          name: instance-configure
                    

            """
        #expect(promise == expected)
        // It is still a valid Promise, and the CRD's schema is structural.
        let parsed = try YAMLReader.singleDocument(in: promise)
        let root = try #require(parsed[path: ["spec", "api", "spec", "versions"]]?.arrayValue?.first?[path: ["schema", "openAPIV3Schema"]])
        #expect(StructuralSchema.problems(in: root) == [])
        #expect(byPath["example-resource.yaml"] == "apiVersion: example.io/v1alpha1\nkind: Demo\nmetadata:\n  name: example-demo\n")
        let readme = try #require(byPath["README.md"])
        #expect(readme.contains("```bash\nkratix init helm-promise demo --chart-url \(chart.path) --chart-version 0.1.0 --group example.io --kind Demo\n```"))
        #expect(readme.hasSuffix("kratix update destination-selector env=dev\n```\n"))
    }

    @Test func splitFromALocalTarballWritesAPIAndWorkflow() async throws {
        let dir = try ScratchDirectory()
        defer { dir.remove() }
        let archive = try await TestChart.package(in: dir)
        let files = try await HelmPromiseInit.run(.init(
            name: "demo", chart: HelmChartSource(url: archive.path), group: "example.io", kind: "Demo", version: "v2", plural: "demoz",
            split: true))
        let byPath = Dictionary(uniqueKeysWithValues: files.map { ($0.path, $0.contents) })
        #expect(Set(byPath.keys) == ["api.yaml", "dependencies.yaml", "workflows/resource/configure/workflow.yaml", "example-resource.yaml", "README.md"])
        #expect(byPath["dependencies.yaml"] == "")
        let api = try #require(byPath["api.yaml"])
        #expect(api.hasPrefix("apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: demoz.example.io\n"))
        #expect(api.contains("    - name: v2\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            spec:\n              default: {}\n"))
        #expect(api.hasSuffix("              \n      served: true\n      storage: true\n"))
        let crd = try YAMLReader.singleDocument(in: api)
        #expect(crd[path: ["spec", "versions"]]?.arrayValue?.first?[path: ["schema", "openAPIV3Schema", "properties", "spec", "properties", "replicaCount", "type"]] == "number")
        let workflow = try YAMLReader.singleDocument(in: try #require(byPath["workflows/resource/configure/workflow.yaml"]))
        #expect(workflow.arrayValue?.first?[path: ["spec", "containers"]]?.arrayValue?.first?["env"] == [["name": "CHART_URL", "value": .string(archive.path)]])
    }

    @Test func aChartURLWithoutNetworkFailsNamingTheURL() async throws {
        // Port 1 on loopback refuses at once: the same answer as a machine without network.
        let url = "http://127.0.0.1:1/charts/demo-0.1.0.tgz"
        await #expect {
            _ = try await HelmPromiseInit.run(.init(name: "demo", chart: HelmChartSource(url: url), group: "g.io", kind: "K"))
        } throws: { error in
            (error as? AuthoringError)?.description.contains(url) == true
        }
        let repository = "http://127.0.0.1:1/charts"
        await #expect {
            _ = try await HelmChartSource(url: repository, name: "demo").values()
        } throws: { error in
            (error as? AuthoringError)?.description.contains(repository + "/index.yaml") == true
        }
        await #expect {
            _ = try await HelmChartSource(url: "/nonexistent/chart").values()
        } throws: { error in
            (error as? AuthoringError)?.description.contains("/nonexistent/chart") == true
        }
    }

    @Test func valueTypesMapAsUpstream() throws {
        #expect(try HelmValuesSchema.schema(for: [:]) == ["default": [:], "type": "object"])
        #expect(try HelmValuesSchema.schema(of: .int(3)) == ["type": "number"])
        #expect(try HelmValuesSchema.schema(of: .null) == ["type": "object", "x-kubernetes-preserve-unknown-fields": true])
        #expect(try HelmValuesSchema.schema(of: []) == ["type": "array", "items": ["x-kubernetes-int-or-string": true]])
        #expect(try HelmValuesSchema.schema(of: [true]) == ["type": "array", "items": ["type": "boolean"]])
    }

    @Test func latestVersionIsTheHighestSemanticVersion() {
        let versions = ["1.2.0", "1.10.0", "1.10.0-rc.1", "0.9.9"].map(SemanticVersion.init)
        #expect(versions.max().map { $0.numbers } == [1, 10, 0])
        #expect(versions.max()?.prerelease == nil)
    }
}

@Suite struct HelmResourceConfigureStageTests {
    @Test func argumentsAreUpstreamsPipelineScripts() throws {
        let oci = try HelmResourceConfigureStage.invocation(
            requestName: "foo", environment: ["CHART_URL": "oci://ghcr.io/jenkinsci/helm-charts/jenkins", "CHART_VERSION": "5.8.86"])
        #expect(oci.program == "helm")
        #expect(oci.arguments.joined(separator: " ") == "template foo oci://ghcr.io/jenkinsci/helm-charts/jenkins --version 5.8.86 --values values.yaml")
        let repo = try HelmResourceConfigureStage.invocation(
            requestName: "foo", environment: ["CHART_URL": "https://fluxcd-community.github.io/helm-charts", "CHART_NAME": "flux2",
                                               "TARGET_NAMESPACE": "kratix-worker-system", "HELM_BINARY": "echo"])
        #expect(repo.program == "echo")
        #expect(repo.arguments.joined(separator: " ")
            == "template foo flux2 --repo https://fluxcd-community.github.io/helm-charts --namespace kratix-worker-system --values values.yaml")
        #expect(throws: AuthoringError("URL is not set. Please set the URL.")) {
            _ = try HelmResourceConfigureStage.invocation(requestName: "foo", environment: [:])
        }
    }

    @Test func runsHelmWithTheSpecAsValuesAndKeepsItsOutput() async throws {
        let dir = try ScratchDirectory()
        defer { dir.remove() }
        try dir.write("input/object.yaml", "apiVersion: example.io/v1alpha1\nkind: Demo\nmetadata:\n  name: foo\nspec:\n  replicaCount: 2\n")
        // A stand-in for helm (none is installed here): it echoes its arguments and the values file.
        try dir.write("bin/helm", "#!/bin/sh\necho \"# helm $*\"\ncat values.yaml\n", executable: true)
        var env = ProcessInfo.processInfo.environment
        env["KRATIX_INPUT"] = dir.path + "/input"
        env["KRATIX_OUTPUT"] = dir.path + "/output"
        env["CHART_URL"] = "oci://registry.example/charts/demo"
        env["HELM_BINARY"] = dir.path + "/bin/helm"
        try await HelmResourceConfigureStage.run(environment: env)
        #expect(try dir.read("output/object.yaml") == "# helm template foo oci://registry.example/charts/demo --values values.yaml\nreplicaCount: 2\n")
        env["HELM_BINARY"] = "no-such-helm"
        await #expect(throws: AuthoringError.self) { try await HelmResourceConfigureStage.run(environment: env) }
    }
}
