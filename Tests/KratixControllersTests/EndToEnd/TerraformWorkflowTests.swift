import Foundation
import KratixAPI
import KratixTestSupport
import KubeClient
import KubeModel
import Testing
@testable import KratixControllers

/// Issue 8, end to end, with `examples/terraform`: a Promise whose resource workflow runs the real Terraform 1.0.3 on a
/// provider-free local module, with its state in a Secret through the kubernetes backend (the pod's
/// in-cluster credentials against the embedded API server). Plan/apply reports the outputs, a re-run
/// with no change reports no changes, an update changes the outputs, and deleting the request runs
/// destroy and removes the state Secret.
@Suite(.serialized) struct TerraformWorkflowTests {
    static let stacks = GroupVersionResource(group: "example.kratix.io", version: "v1", resource: "tfstacks")

    static let example = TestEnvironment.repositoryRoot.appendingPathComponent("examples/terraform").path

    func request(size: Int) throws -> String {
        try String(contentsOfFile: "\(Self.example)/request.yaml", encoding: .utf8).replacingOccurrences(of: "size: 1", with: "size: \(size)")
    }

    @Test func planApplyNoChangeUpdateAndDestroy() async throws {
        guard PlatformHarness.terraformDirectory() != nil else {
            Issue.record("\(TestEnvironment.terraformMissing)")
            return
        }
        try await PlatformHarness.with { platform in
            _ = try await platform.gitDestinations(["worker-1": ["environment": "dev"]])
            try await platform.startManager()
            try await platform.kubectl(["create", "secret", "generic", "tfstack-credentials", "-n", "default", "--from-literal=api-token=s3cret"])
            try await platform.kubectl(["apply", "-f", "\(Self.example)/promise.yaml"])
            #expect(await platform.eventually { await platform.get(.customResourceDefinitions, "tfstacks.example.kratix.io") != nil })

            func stack() async -> KubeObject? { await platform.get(Self.stacks, "demo", namespace: "default") }

            // Plan and apply: the outputs reach the status, the state is a Secret.
            try await platform.kubectl(["apply", "-f", "-"], stdin: try request(size: 1))
            #expect(await platform.eventually {
                let current = await stack()
                return current?.condition("Reconciled")?["status"] == "True" && current?[at: ["status", "outputs", "id"]] == "demo-1"
            })
            await platform.reportFailedPods(namespace: "default")
            #expect(await stack()?[at: ["status", "message"]] == "terraform: changes applied")
            #expect(await stack()?[at: ["status", "outputs", "size"]] == 1)
            #expect(await stack()?[at: ["status", "outputs", "tokenSet"]] == true, "the credential reached Terraform through env.valueFrom")
            let printed = try await platform.kubectl(["get", "tfstacks", "-n", "default"])
            #expect(printed.contains("demo-1") && printed.contains("terraform: changes applied"), "\(printed)")
            #expect(await platform.get(.secrets, "tfstate-default-demo", namespace: "default") != nil, "the state lives in a Secret")

            // Re-run without a change (manual reconciliation): no changes.
            try await platform.kubectl(["label", "tfstack", "demo", "-n", "default", "kratix.io/manual-reconciliation=true"])
            #expect(await platform.eventually {
                await stack()?[at: ["status", "message"]] == "terraform: no changes"
            }, "a second run plans no changes")
            await platform.reportFailedPods(namespace: "default")

            // An update changes the outputs.
            try await platform.kubectl(["apply", "-f", "-"], stdin: try request(size: 3))
            #expect(await platform.eventually {
                let current = await stack()
                return current?[at: ["status", "outputs", "id"]] == "demo-3" && current?[at: ["status", "message"]] == "terraform: changes applied"
            })
            #expect(await stack()?[at: ["status", "outputs", "size"]] == 3)

            // Deleting the request runs destroy; the state Secret goes with it.
            try await platform.kubectl(["delete", "tfstack", "demo", "-n", "default", "--wait=false"])
            #expect(await platform.eventually {
                let secret = await platform.get(.secrets, "tfstate-default-demo", namespace: "default")
                return await stack() == nil && secret == nil
            }, "destroyed")
            await platform.reportFailedPods(namespace: "default")
        }
    }

    /// `kratix init tf-module-promise` for `terraform/modules/local/basic`: the Promise installs, the
    /// manager serves its CRD, the generated example request validates (server-side, strictly) and a
    /// wrongly typed one is refused with the field named.
    @Test func generatedPromiseForALocalModuleInstallsAndItsExampleValidates() async throws {
        let kratix = try #require(PlatformHarness.kratixExecutable)
        try await PlatformHarness.with { platform in
            let output = "\(platform.directory)/generated"
            let module = TestEnvironment.fixturesDirectory.appendingPathComponent("terraform/modules/local/basic").path
            let generated = try await TestShell.run(kratix, ["init", "tf-module-promise", "basic", "--module-source", module,
                                                            "--group", "example.com", "--kind", "Basic", "--dir", output])
            let status = generated.status
            #expect(status == 0, "\(generated.stderr)")
            try await platform.startManager()
            try await platform.kubectl(["apply", "-f", "\(output)/promise.yaml"])
            #expect(await platform.eventually { await platform.get(.customResourceDefinitions, "basics.example.com") != nil })
            let accepted = try await platform.server.kubectl(["apply", "--dry-run=server", "-f", "\(output)/example-resource.yaml"])
            #expect(accepted.status == 0, "\(accepted.stderr)")
            let example = try String(contentsOfFile: "\(output)/example-resource.yaml", encoding: .utf8)
            let wrong = example.trimmingCharacters(in: .whitespacesAndNewlines) + "\nspec:\n  name: demo\n  size: big\n"
            let refused = try await platform.server.kubectl(["apply", "--dry-run=server", "-f", "-"], stdin: wrong)
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("spec.size"), "\(refused.stderr)")
        }
    }
}
