import Foundation
import KratixTestSupport
import Testing

@testable import KratixAPI
@testable import KratixCLI
@testable import KubeModel

/// `kratix manifests destination --kubeconfig`: the Destination and its store read from a real
/// (embedded) API server by the real binary, and the output applied, as a server-side dry run, to an
/// API server with Flux's CRDs, as a destination cluster would take it.
@Suite struct DestinationManifestsClusterTests {
    static let secretValue = "s3cr3t-never-printed"

    /// A platform with the Kratix CRDs, a Git store and a bucket store with their Secrets, and a
    /// Destination on each.
    static func platform(_ server: TestAPIServer) async throws {
        let crds = try await server.kubectl(["apply", "-f", "-"], stdin: KratixCRDs.all.map(KratixCRDs.yaml).joined())
        #expect(crds.status == 0, "\(crds.stderr)")
        let objects = """
            apiVersion: v1
            kind: Secret
            metadata: {name: gitea-credentials, namespace: default}
            stringData: {username: gitea_admin, password: \(secretValue)}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: minio-credentials, namespace: default}
            stringData: {accessKeyID: minioadmin, secretAccessKey: \(secretValue)}
            ---
            apiVersion: platform.kratix.io/v1alpha1
            kind: GitStateStore
            metadata: {name: default}
            spec:
              url: https://gitea.example.com/gitea_admin/kratix
              branch: trunk
              path: /clusters/
              secretRef: {name: gitea-credentials, namespace: default}
            ---
            apiVersion: platform.kratix.io/v1alpha1
            kind: BucketStateStore
            metadata: {name: minio}
            spec:
              bucketName: kratix
              endpoint: minio.kratix-platform-system.svc.cluster.local
              insecure: true
              secretRef: {name: minio-credentials, namespace: default}
            ---
            apiVersion: platform.kratix.io/v1alpha1
            kind: BucketStateStore
            metadata: {name: s3}
            spec: {bucketName: kratix-prod, endpoint: s3.eu-west-2.amazonaws.com, authMethod: IAM}
            ---
            apiVersion: platform.kratix.io/v1alpha1
            kind: Destination
            metadata: {name: worker-1, labels: {environment: dev}}
            spec:
              path: worker-1
              stateStoreRef: {kind: GitStateStore, name: default}
            ---
            apiVersion: platform.kratix.io/v1alpha1
            kind: Destination
            metadata: {name: worker-2}
            spec:
              path: dev/worker-2
              stateStoreRef: {kind: BucketStateStore, name: minio}
              filepath: {mode: aggregatedYAML}
            ---
            apiVersion: platform.kratix.io/v1alpha1
            kind: Destination
            metadata: {name: worker-3}
            spec:
              path: worker-3
              stateStoreRef: {kind: BucketStateStore, name: s3}
            """
        let applied = try await server.kubectl(["apply", "-f", "-"], stdin: objects)
        #expect(applied.status == 0, "\(applied.stderr)")
    }

    static func kratix(_ arguments: [String]) async throws -> Support.Result {
        try await Support.run(Support.kratixBinary.path, ["manifests", "destination"] + arguments)
    }

    static func documents(_ text: String) throws -> [JSONValue] {
        try YAMLReader.documents(in: text, source: "stdout").map(\.value).filter { !$0.isNull }
    }

    /// Read from the API: the store's URL, branch and path, the Destination's path and mode; the
    /// store's Secret named (not printed, not read), its values nowhere in the output.
    @Test func readsTheDestinationAndItsStoreFromTheAPI() async throws {
        try await TestAPIServer.with { server in
            try await Self.platform(server)
            let git = try await Self.kratix(["worker-1", "--kubeconfig", server.kubeconfig])
            #expect(git.status == 0, "\(git.stderr)")
            #expect(!git.stdout.contains(Self.secretValue))
            #expect(git.stdout.contains("default/gitea-credentials"))
            let objects = try Self.documents(git.stdout)
            #expect(objects.map { $0["kind"]?.stringValue ?? "" } == ["GitRepository", "Kustomization", "GitRepository", "Kustomization"])
            let source = try #require(objects.first)
            #expect(source[path: ["spec", "url"]] == "https://gitea.example.com/gitea_admin/kratix")
            #expect(source[path: ["spec", "ref", "branch"]] == "trunk")
            #expect(source[path: ["spec", "secretRef", "name"]] == "gitea-credentials")
            #expect(objects.filter { $0["kind"] == "Kustomization" }.map { $0[path: ["spec", "path"]]?.stringValue }
                == ["clusters/worker-1/dependencies/", "clusters/worker-1/resources/"])

            let bucket = try await Self.kratix(["worker-2", "--kubeconfig", server.kubeconfig, "--secret-name", "flux-minio"])
            #expect(bucket.status == 0, "\(bucket.stderr)")
            #expect(!bucket.stdout.contains(Self.secretValue))
            let bucketObjects = try Self.documents(bucket.stdout)
            #expect(bucketObjects.map { $0["kind"]?.stringValue ?? "" } == ["Bucket", "Kustomization"])
            #expect(bucketObjects.first?[path: ["spec", "secretRef", "name"]] == "flux-minio")
            #expect(bucketObjects.first?[path: ["spec", "insecure"]] == true)
            #expect(bucketObjects.last?[path: ["spec", "path"]] == "./dev/worker-2")

            // IAM: Flux's aws provider, no Secret at all.
            let iam = try await Self.kratix(["worker-3", "--kubeconfig", server.kubeconfig])
            #expect(iam.status == 0, "\(iam.stderr)")
            let iamObjects = try Self.documents(iam.stdout)
            #expect(iamObjects.first?[path: ["spec", "provider"]] == "aws")
            #expect(iamObjects.first?[path: ["spec", "secretRef"]] == nil)

            let argo = try await Self.kratix(["worker-2", "--argocd", "--kubeconfig", server.kubeconfig])
            #expect(argo.status != 0)
            #expect(argo.stderr.contains("Argo CD reads Git repositories only"))
            let missing = try await Self.kratix(["worker-9", "--kubeconfig", server.kubeconfig])
            #expect(missing.status != 0)
            #expect(missing.stderr.contains("Destination \"worker-9\" not found"))
        }
    }

    /// What the command prints applies to a cluster with Flux's CRDs (server-side dry run: the
    /// server's schema validation, defaulting and pruning), for a Git and a bucket store, from the API
    /// and from flags (with the placeholder Secret).
    @Test func outputAppliesToAClusterWithFluxsCRDs() async throws {
        try await TestAPIServer.with { server in
            try await Self.platform(server)
            let crds = try await server.kubectl(["apply", "-f", DestinationManifestsTests.gitopsDirectory.appendingPathComponent("flux-crds.yaml").path])
            #expect(crds.status == 0, "\(crds.stderr)")
            let namespace = try await server.kubectl(["create", "namespace", "flux-system"])
            #expect(namespace.status == 0, "\(namespace.stderr)")
            let runs: [[String]] = [
                ["worker-1", "--kubeconfig", server.kubeconfig],
                ["worker-2", "--kubeconfig", server.kubeconfig],
                ["worker-3", "--kubeconfig", server.kubeconfig],
                ["edge", "--git-url", "git@github.com:org/state.git", "--filepath-mode", "none"],
                ["edge", "--bucket", "kratix", "--endpoint", "minio:9000", "--insecure", "--store-path", "fleet"],
            ]
            for arguments in runs {
                let output = try await Self.kratix(arguments)
                #expect(output.status == 0, "\(arguments): \(output.stderr)")
                let expected = try Self.documents(output.stdout).count
                let applied = try await server.kubectl(["apply", "--dry-run=server", "--validate=strict", "-f", "-"], stdin: output.stdout)
                #expect(applied.status == 0, "\(arguments): \(applied.stderr)")
                let lines = applied.stdout.split(separator: "\n").filter { $0.hasSuffix("(server dry run)") }
                #expect(lines.count == expected, "\(arguments): \(applied.stdout)")
            }
        }
    }
}
