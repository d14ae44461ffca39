import Foundation
import KubeModel
import Testing

/// A Deployment gets its ReplicaSet, pods, revision and status inside the write, as the real
/// controllers make them (issue 16): scaling, a new template and deletion follow through.
@Suite struct DeploymentControllerTests {
    @Test func deploymentsScaleRollAndGoWithTheirReplicaSetsAndPods() async throws {
        try await TestServer.with { server in
            func names(_ kind: String) async throws -> [String] {
                let out = try await server.kubectl(["get", kind, "-o", "jsonpath={.items[*].metadata.name}"]).stdout
                return out.split(separator: " ").map(String.init).sorted()
            }
            #expect(try await server.kubectl(["create", "deployment", "web", "--image=nginx:1.25", "--replicas=2"]).status == 0)
            var sets = try await names("replicasets")
            #expect(sets.count == 1 && sets[0].hasPrefix("web-"), "\(sets)")
            #expect(try await names("pods").filter { $0.hasPrefix(sets[0] + "-") }.count == 2)
            let listing = try await server.kubectl(["get", "deployment", "web"])
            #expect(listing.stdout.contains("0/2") && listing.stdout.contains("web"), "\(listing.stdout)")
            let described = try await server.kubectl(["describe", "deployment", "web"])
            #expect(described.stdout.contains("Scaled up replica set \(sets[0]) to 2"), "\(described.stdout)")

            #expect(try await server.kubectl(["scale", "deployment", "web", "--replicas=1"]).status == 0)
            #expect(try await names("pods").count == 1)
            // Any kind of patch applies to the Scale, a JSON patch too.
            let patched = try await server.kubectl(["patch", "deployment", "web", "--subresource=scale", "--type=json",
                                                    "-p", #"[{"op":"replace","path":"/spec/replicas","value":2}]"#])
            #expect(patched.status == 0, "\(patched.stderr)")
            #expect(try await names("pods").count == 2)
            #expect(try await server.kubectl(["scale", "deployment", "web", "--replicas=1"]).status == 0)
            #expect(try await names("pods").count == 1)

            #expect(try await server.kubectl(["set", "image", "deployment/web", "nginx=nginx:1.26"]).status == 0)
            sets = try await names("replicasets")
            #expect(sets.count == 2, "\(sets)")
            let deployment = try JSONParser.parse(try await server.kubectl(["get", "deployment", "web", "-o", "json"]).stdout)
            #expect(deployment[path: ["metadata", "annotations", "deployment.kubernetes.io/revision"]] == "2")
            let pods = try JSONParser.parse(try await server.kubectl(["get", "pods", "-o", "json"]).stdout)
            #expect(pods["items"]?.arrayValue?.compactMap { $0[path: ["spec", "containers"]]?.arrayValue?.first?["image"]?.stringValue } == ["nginx:1.26"])

            // The store collects an owner's dependents inside the owner's delete: once kubectl has
            // seen the Deployment go, its ReplicaSets and pods are gone too.
            #expect(try await server.kubectl(["delete", "deployment", "web", "--wait"]).status == 0)
            #expect(try await names("replicasets").isEmpty, "the ReplicaSets go with their Deployment")
            #expect(try await names("pods").isEmpty, "and their pods")

            // A pod the ReplicaSet cannot make (its ServiceAccount is missing) leaves the
            // Deployment in place and says why, as the ReplicaSet controller does.
            let missing = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: lonely}
                spec:
                  selector: {matchLabels: {app: lonely}}
                  template:
                    metadata: {labels: {app: lonely}}
                    spec: {serviceAccountName: nobody, containers: [{name: c, image: nginx}]}
                """
            let created = try await server.kubectl(["create", "-f", "-"], stdin: missing)
            #expect(created.status == 0, "\(created.stderr)")
            let events = try await server.kubectl(["get", "events", "-o", "jsonpath={.items[*].message}"]).stdout
            #expect(events.contains("Error creating: pods") && events.contains("serviceaccount \"nobody\" not found"), "\(events)")
        }
    }
}
