import Foundation
import KratixAPI
import KratixTestSupport
import KubeClient
import KubeModel
import Testing

/// Issue 19: Promises the `kratix` binary generates (`init promise`, `init operator-promise`,
/// `init crossplane-promise`) install on the platform as `kratix dev` runs it, their example
/// resources are accepted by kubectl, and the operator and crossplane resource workflows (the
/// `from-api-to-*` stage subcommands) write the request's object to the state store.
@Suite(.serialized) struct AuthoringPromiseTests {
    static func kratix(_ arguments: [String]) async throws {
        let kratix = try #require(PlatformHarness.kratixExecutable)
        let result = try await TestShell.run(kratix, arguments)
        #expect(result.status == 0, "kratix \(arguments): \(result.stderr)")
    }

    @Test func initPromiseInstallsAndItsExampleIsAccepted() async throws {
        try await PlatformHarness.with { platform in
            let output = "\(platform.directory)/generated"
            try await Self.kratix(["init", "promise", "postgresql", "--group", "syntasso.io", "--kind", "Database", "--dir", output])
            try await Self.kratix(["update", "api", "--property", "size:integer", "--dir", output])
            try await platform.startManager()
            try await platform.kubectl(["apply", "-f", "\(output)/promise.yaml"])
            #expect(await platform.eventually { await platform.get(.customResourceDefinitions, "databases.syntasso.io") != nil })
            let accepted = try await platform.server.kubectl(["apply", "-f", "\(output)/example-resource.yaml"])
            #expect(accepted.status == 0, "\(accepted.stderr)")
            let refused = try await platform.server.kubectl(["apply", "--dry-run=server", "-f", "-"], stdin: """
                apiVersion: syntasso.io/v1alpha1
                kind: Database
                metadata: {name: wrong, namespace: default}
                spec: {size: big}
                """)
            #expect(refused.status != 0, "the API added by update api is enforced")
        }
    }

    @Test func operatorPromiseInstallsAndItsStageWritesTheOperatorObject() async throws {
        try await PlatformHarness.with { platform in
            let manifests = "\(platform.directory)/operator"
            try FileManager.default.createDirectory(atPath: "\(manifests)/rbac", withIntermediateDirectories: true)
            try """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: widgets.acme.io}
                spec:
                  group: acme.io
                  names: {kind: Widget, plural: widgets, singular: widget}
                  scope: Namespaced
                  versions:
                    - name: v1
                      served: true
                      storage: true
                      schema:
                        openAPIV3Schema:
                          type: object
                          properties:
                            spec:
                              type: object
                              required: [colour]
                              properties:
                                colour: {type: string}
                                size: {type: integer}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: widget-operator, namespace: widget-system}
                spec:
                  selector: {matchLabels: {app: widget-operator}}
                  template:
                    metadata: {labels: {app: widget-operator}}
                    spec: {containers: [{name: manager, image: acme/widget-operator:v1}]}
                """.write(toFile: "\(manifests)/operator.yaml", atomically: true, encoding: .utf8)
            try "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: widget-operator}\n"
                .write(toFile: "\(manifests)/rbac/account.yml", atomically: true, encoding: .utf8)
            let output = "\(platform.directory)/generated"
            try await Self.kratix(["init", "operator-promise", "widget", "--operator-manifests", manifests, "--api-schema-from", "widgets.acme.io",
                                   "--group", "platform.acme.io", "--kind", "Gadget", "--dir", output])
            let repository = try await platform.gitDestinations(["worker-1": ["environment": "dev"]])
            try await platform.startManager()
            try await platform.kubectl(["apply", "-f", "\(output)/promise.yaml"])
            let installed = await platform.eventually { await platform.get(.customResourceDefinitions, "gadgets.platform.acme.io") != nil }
            let promiseStatus = await platform.get(Promise.groupVersionResource, "widget")?[at: ["status"]]
            #expect(installed, "\(String(describing: promiseStatus))")
            // The operator's documents go to the Destination as the Promise's dependencies.
            func dependencies() async throws -> String {
                var text = ""
                for file in try await repository.files() where file.hasPrefix("worker-1/dependencies/widget/") {
                    text += try await repository.show(file) ?? ""
                }
                return text
            }
            #expect(await platform.eventually { try await dependencies().contains("name: widget-operator") })
            let shipped = try await dependencies()
            #expect(shipped.contains("kind: Deployment") && shipped.contains("kind: ServiceAccount"), "\(shipped)")

            let accepted = try await platform.server.kubectl(["apply", "-f", "\(output)/example-resource.yaml"])
            #expect(accepted.status == 0, "\(accepted.stderr)")
            let prefix = "worker-1/resources/default/widget/example-database/instance-configure/"
            func objectFile() async throws -> String? {
                try await repository.files().first { $0.hasPrefix(prefix) && $0.hasSuffix("/object.yaml") }
            }
            let appeared = await platform.eventually { try await objectFile() != nil }
            let files = try await repository.files()
            #expect(appeared, "\(files)")
            let object = try #require(try await objectFile())
            await platform.reportFailedPods(namespace: "default")
            let written = try #require(try await repository.show(object))
            let document = try YAMLReader.singleDocument(in: written)
            #expect(document["apiVersion"] == "acme.io/v1" && document["kind"] == "Widget")
            #expect(document[path: ["metadata", "name"]] == "example-database")
            #expect(document[path: ["spec", "colour"]] == "# type string")
        }
    }

    @Test func crossplanePromiseInstallsAndItsStageWritesTheClaim() async throws {
        try await PlatformHarness.with { platform in
            let xrd = "\(platform.directory)/xrd.yaml"
            try """
                apiVersion: apiextensions.crossplane.io/v2
                kind: CompositeResourceDefinition
                metadata: {name: xbuckets.aws.acme.io}
                spec:
                  group: aws.acme.io
                  names: {kind: XBucket, plural: xbuckets}
                  claimNames: {kind: Bucket, plural: buckets}
                  versions:
                    - name: v1alpha1
                      served: true
                      referenceable: true
                      schema:
                        openAPIV3Schema:
                          type: object
                          properties:
                            spec:
                              type: object
                              required: [region]
                              properties:
                                region: {type: string, default: eu-west-2}
                                versioning: {type: boolean}
                """.write(toFile: xrd, atomically: true, encoding: .utf8)
            let output = "\(platform.directory)/generated"
            try await Self.kratix(["init", "crossplane-promise", "buckets", "--xrd", xrd, "--group", "syntasso.io", "--kind", "S3Bucket", "--dir", output])
            let repository = try await platform.gitDestinations(["crossplane-1": ["crossplane": "enabled"]])
            try await platform.startManager()
            try await platform.kubectl(["apply", "-f", "\(output)/promise.yaml"])
            #expect(await platform.eventually { await platform.get(.customResourceDefinitions, "s3buckets.syntasso.io") != nil })
            let accepted = try await platform.server.kubectl(["apply", "-f", "\(output)/example-resource.yaml"])
            #expect(accepted.status == 0, "\(accepted.stderr)")
            let prefix = "crossplane-1/resources/default/buckets/example-request/instance-configure/"
            func objectFile() async throws -> String? {
                try await repository.files().first { $0.hasPrefix(prefix) && $0.hasSuffix("/object.yaml") }
            }
            let appeared = await platform.eventually { try await objectFile() != nil }
            let files = try await repository.files()
            #expect(appeared, "\(files)")
            let object = try #require(try await objectFile())
            await platform.reportFailedPods(namespace: "default")
            let document = try YAMLReader.singleDocument(in: try #require(try await repository.show(object)))
            #expect(document["apiVersion"] == "aws.acme.io/v1alpha1" && document["kind"] == "Bucket", "the claim kind")
            #expect(document[path: ["metadata", "namespace"]] == "default")
            #expect(document[path: ["spec", "region"]] == "# type string")
        }
    }
}
