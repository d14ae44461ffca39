import ArgumentParser
import Foundation
import KratixAuthoring
import KratixTerraform

extension InitCommand {
    /// `kratix init pulumi-component-promise`: a Promise from a Pulumi component's inputs.
    struct PulumiComponentPromise: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pulumi-component-promise",
            abstract: "Preview: Initialize a new Promise from a Pulumi package schema.",
            discussion: """
                The component's inputProperties become the Promise API; each request becomes a Pulumi Kubernetes \
                Operator Program and Stack (the pulumi-generator stage), scheduled to Destinations labelled \
                environment: pulumi.
                """)

        @Argument(help: "The Promise name.") var name: String
        @Option(help: "Path or URL to the Pulumi package schema (JSON or YAML).") var schema: String
        @Option(help: "The component token to use from the schema (needed when it has several).") var component: String?
        @Option(name: .customLong("schema-bearer-token-secret"),
                help: "SECRET_NAME:KEY of the Secret holding PULUMI_ACCESS_TOKEN for private schema fetches.")
        var schemaBearerTokenSecret: String?
        @Option(name: .customLong("stack-access-token-secret"),
                help: "SECRET_NAME:KEY of the Secret the Stack reads PULUMI_ACCESS_TOKEN from (spec.envRefs).")
        var stackAccessTokenSecret: String?
        @OptionGroup var options: PromiseInitOptions

        func run() async throws {
            await PreviewNotice.show()
            let request = KratixAuthoring.PulumiComponentPromiseInit.Request(
                name: name, schema: schema, component: component, schemaBearerTokenSecret: schemaBearerTokenSecret,
                stackAccessTokenSecret: stackAccessTokenSecret, group: options.group, kind: options.kind, version: options.version,
                plural: options.plural, split: options.split)
            let result = try await KratixAuthoring.PulumiComponentPromiseInit.run(request)
            for warning in result.warnings { print(warning) }
            try GeneratedFile.write(result.files, to: URL(fileURLWithPath: options.dir))
            print("Pulumi component Promise generated successfully.")
        }
    }
}
