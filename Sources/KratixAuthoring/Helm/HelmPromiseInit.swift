import Foundation
import KratixTerraform
import KubeModel

/// `kratix init helm-promise`: a Promise whose API is a Helm chart's default values and whose
/// resource workflow renders the chart with the request's `spec` as values.
///
/// Upstream writes these files with Go templates (rule R1), so they are laid out here as text in
/// the template's order, with sprig's `indent` (which also pads the empty line after a trailing
/// newline) where the template embeds marshalled YAML.
public enum HelmPromiseInit {
    public static let stageImage = "ghcr.io/syntasso/kratix-cli/helm-resource-configure:v0.2.0"

    public struct Request: Sendable, Equatable {
        public var name: String
        public var chart: HelmChartSource
        public var group: String
        public var kind: String
        public var version: String
        public var plural: String?
        public var split: Bool

        public init(name: String, chart: HelmChartSource, group: String, kind: String, version: String = "v1alpha1",
                    plural: String? = nil, split: Bool = false) {
            self.name = name
            self.chart = chart
            self.group = group
            self.kind = kind
            self.version = version.isEmpty ? "v1alpha1" : version
            self.plural = plural
            self.split = split
        }
    }

    public static func run(_ request: Request) async throws(AuthoringError) -> [GeneratedFile] {
        let values = try await request.chart.values()
        let schema: JSONValue
        do {
            schema = try HelmValuesSchema.schema(for: values)
        } catch {
            throw AuthoringError("failed to convert helm values to schema: \(error.description)")
        }
        return files(request, specSchema: schema)
    }

    static func resourceConfigure(_ chart: HelmChartSource) -> String {
        var env: [JSONValue] = [["name": "CHART_URL", "value": .string(chart.url)]]
        if let name = chart.name { env.append(["name": "CHART_NAME", "value": .string(name)]) }
        if let version = chart.version { env.append(["name": "CHART_VERSION", "value": .string(version)]) }
        let pipeline: JSONValue = [
            "apiVersion": "platform.kratix.io/v1alpha1", "kind": "Pipeline", "metadata": ["name": "instance-configure"],
            "spec": ["containers": [["env": .array(env), "image": .string(stageImage), "name": "instance-configure"]]],
        ]
        return YAMLWriter.goYAML.write([pipeline])
    }

    /// `--chart-url U[ --chart-name N][ --chart-version V]`, as the README replays it.
    static func extraFlags(_ chart: HelmChartSource) -> String {
        var flags = "--chart-url \(chart.url)"
        if let name = chart.name { flags += " --chart-name \(name)" }
        if let version = chart.version { flags += " --chart-version \(version)" }
        return flags
    }

    static func files(_ request: Request, specSchema: JSONValue) -> [GeneratedFile] {
        let plural = (request.plural ?? "").isEmpty ? request.kind.lowercased() + "s" : request.plural!
        let schema = YAMLWriter.goYAML.write(specSchema)
        let resourceConfigure = resourceConfigure(request.chart)
        var files = [
            GeneratedFile(path: "example-resource.yaml", contents: """
                apiVersion: \(request.group)/\(request.version)
                kind: \(request.kind)
                metadata:
                  name: example-\(request.name)

                """),
            GeneratedFile(path: "README.md", contents: PromiseReadme.render(
                subCommand: "helm-promise", name: request.name, extraFlags: extraFlags(request.chart),
                group: request.group, kind: request.kind)),
        ]
        // One CRD: api.yaml as it is, promise.yaml's spec.api indented (as `init promise` writes it).
        let crd = CRDTemplate.render(group: request.group, kind: request.kind, plural: plural, singular: request.kind.lowercased(),
                                     version: request.version, specSchemaYAML: schema)
        if request.split {
            files.append(GeneratedFile(path: "api.yaml", contents: crd + "\n"))
            files.append(GeneratedFile(path: "dependencies.yaml", contents: ""))
            files.append(GeneratedFile(path: "workflows/resource/configure/workflow.yaml", contents: resourceConfigure))
        } else {
            files.append(GeneratedFile(path: "promise.yaml", contents: """
                apiVersion: platform.kratix.io/v1alpha1
                kind: Promise
                metadata:
                  name: \(request.name)
                  labels:
                    kratix.io/promise-version: v0.0.1
                spec:
                  api:
                \(GoYAML.indent(4, crd))
                  workflows:
                    promise:
                      configure:
                \(GoYAML.indent(8, "[]"))
                    resource:
                      configure:
                \(GoYAML.indent(8, resourceConfigure))

                """))
        }
        return files
    }

    /// What the command prints when it is done.
    public static func doneMessage(name: String, dir: String) -> String {
        "\(name) promise bootstrapped in \(dir == "." ? "the current directory" : dir)"
    }
}
