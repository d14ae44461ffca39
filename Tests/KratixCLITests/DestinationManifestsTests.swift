import Foundation
import KratixTestSupport
import Testing

@testable import KratixAPI
@testable import KratixCLI
@testable import KubeModel

/// `kratix manifests destination`: the objects a destination cluster applies to read the state
/// store, checked against upstream's test destinations and Flux's own CRD schemas.
@Suite struct DestinationManifestsTests {
    static var gitopsDirectory: URL { Support.sharedDirectory.appendingPathComponent("testdata/gitops") }

    static func fixture(_ file: String) throws -> [JSONValue] {
        let url = gitopsDirectory.appendingPathComponent(file)
        return try YAMLReader.documents(in: String(contentsOf: url, encoding: .utf8), source: file).map(\.value).filter { !$0.isNull }
    }

    /// Flux's CRDs by kind, with the schema of the version each serves by default (its storage version).
    static func fluxSchemas() throws -> [String: (apiVersion: String, schema: JSONValue)] {
        var schemas: [String: (String, JSONValue)] = [:]
        for crd in try fixture("flux-crds.yaml") {
            let group = try #require(crd[path: ["spec", "group"]]?.stringValue)
            let kind = try #require(crd[path: ["spec", "names", "kind"]]?.stringValue)
            let version = try #require(crd[path: ["spec", "versions"]]?.arrayValue?.first { $0["storage"] == true })
            schemas[kind] = ("\(group)/\(version["name"]?.stringValue ?? "")", try #require(version[path: ["schema", "openAPIV3Schema"]]))
        }
        return schemas
    }

    static func git(_ mode: FilepathMode = .nestedByMetadata, agent: DestinationManifests.Agent = .flux, path: String = "worker-1",
                    storePath: String = "", url: String = "https://172.18.0.2:31333/gitea_admin/kratix") -> DestinationManifests {
        var manifests = DestinationManifests.fromFlags(
            name: "worker-1", agent: agent, namespace: agent.defaultNamespace, path: path, gitURL: url, branch: nil, bucket: nil,
            endpoint: nil, insecure: false, storePath: storePath, filepathMode: mode, secretName: "gitea-credentials")
        manifests.filepathMode = mode
        return manifests
    }

    static func bucket(_ mode: FilepathMode = .nestedByMetadata, storePath: String = "") -> DestinationManifests {
        DestinationManifests.fromFlags(
            name: "worker-1", agent: .flux, namespace: "flux-system", path: nil, gitURL: nil, branch: nil, bucket: "kratix",
            endpoint: "172.18.0.2:31337", insecure: true, storePath: storePath, filepathMode: mode, secretName: "minio-credentials")
    }

    static func named(_ objects: [JSONValue], _ kind: String, _ name: String) -> JSONValue? {
        objects.first { $0["kind"]?.stringValue == kind && $0[path: ["metadata", "name"]]?.stringValue == name }
    }

    // MARK: Upstream's layout

    /// The Git flavour is upstream's `gitops-tk-resources-git.yaml` with the names made per
    /// Destination and the sources at `v1`: same intervals, branch, paths, ordering and prune.
    @Test func gitStoreMatchesUpstreamsTestDestination() throws {
        let objects = try Self.git().objects()
        let upstream = try Self.fixture("gitops-tk-resources-git.yaml")
        #expect(objects.map { $0["kind"]?.stringValue ?? "" } == ["Secret", "GitRepository", "Kustomization", "GitRepository", "Kustomization"])
        for part in ["dependencies", "resources"] {
            let ours = try #require(Self.named(objects, "Kustomization", "kratix-worker-1-\(part)"))
            var theirs = try #require(Self.named(upstream, "Kustomization", "kratix-workload-\(part)")?["spec"]?.objectValue)
            theirs["sourceRef"] = ["kind": "GitRepository", "name": .string("kratix-worker-1-\(part)")]
            if part == "resources" { theirs["dependsOn"] = [["name": "kratix-worker-1-dependencies"]] }
            #expect(ours["spec"] == .object(theirs))
            #expect(ours["apiVersion"] == Self.named(upstream, "Kustomization", "kratix-workload-\(part)")?["apiVersion"])

            let source = try #require(Self.named(objects, "GitRepository", "kratix-worker-1-\(part)"))
            #expect(source["spec"] == Self.named(upstream, "GitRepository", "kratix-workload-\(part)")?["spec"])
            #expect(source["apiVersion"] == "source.toolkit.fluxcd.io/v1")
            #expect(source[path: ["metadata", "namespace"]] == "flux-system")
        }
        let secret = try #require(Self.named(objects, "Secret", "gitea-credentials"))
        #expect(secret["stringData"] == ["username": "REPLACE-ME", "password": "REPLACE-ME"])
    }

    /// The bucket flavour is upstream's `gitops-tk-resources.yaml`: one Bucket, two Kustomizations,
    /// Flux's own key names (`accesskey`, `secretkey`) in the Secret, with placeholders.
    @Test func bucketStoreMatchesUpstreamsTestDestination() throws {
        let objects = try Self.bucket().objects()
        let upstream = try Self.fixture("gitops-tk-resources.yaml")
        #expect(objects.map { $0["kind"]?.stringValue ?? "" } == ["Secret", "Bucket", "Kustomization", "Kustomization"])
        let bucket = try #require(Self.named(objects, "Bucket", "kratix-worker-1"))
        #expect(bucket["spec"] == Self.named(upstream, "Bucket", "kratix")?["spec"])
        for part in ["dependencies", "resources"] {
            let ours = try #require(Self.named(objects, "Kustomization", "kratix-worker-1-\(part)"))
            var theirs = try #require(Self.named(upstream, "Kustomization", "kratix-workload-\(part)")?["spec"]?.objectValue)
            theirs["sourceRef"] = ["kind": "Bucket", "name": "kratix-worker-1"]
            if part == "resources" { theirs["dependsOn"] = [["name": "kratix-worker-1-dependencies"]] }
            #expect(ours["spec"] == .object(theirs))
        }
        let secret = try #require(Self.named(objects, "Secret", "minio-credentials"))
        let upstreamKeys = Self.named(upstream, "Secret", "minio-credentials")?["data"]?.objectValue?.keys.sorted()
        #expect(secret["stringData"]?.objectValue?.keys.sorted() == upstreamKeys)
        #expect(secret["stringData"]?.objectValue?.values.allSatisfy { $0 == "REPLACE-ME" } == true)
    }

    /// Argo CD: upstream's `gitops-argo-resources-git.yaml`: a repository Secret and one recursing
    /// Application per directory; our additions are the branch as the revision and sync retries
    /// (Argo CD cannot order Applications).
    @Test func argoCDHasTheShapeOfUpstreamsExample() throws {
        let objects = try Self.git(agent: .argocd).objects()
        let upstream = try Self.fixture("gitops-argo-resources-git.yaml")
        #expect(objects.map { $0["kind"]?.stringValue ?? "" } == ["Secret", "Application", "Application"])
        let secret = try #require(objects.first)
        #expect(secret[path: ["metadata", "labels"]] == Self.named(upstream, "Secret", "gitea")?[path: ["metadata", "labels"]])
        #expect(secret[path: ["metadata", "namespace"]] == "argocd")
        #expect(secret[path: ["stringData", "type"]] == "git")
        #expect(secret[path: ["stringData", "url"]] == "https://172.18.0.2:31333/gitea_admin/kratix")
        #expect(secret[path: ["stringData", "password"]] == "REPLACE-ME")
        for part in ["dependencies", "resources"] {
            let ours = try #require(Self.named(objects, "Application", "kratix-worker-1-\(part)"))
            var theirs = try #require(Self.named(upstream, "Application", "kratix-workload-\(part)")?["spec"]?.objectValue)
            var source = theirs["source"]?.objectValue ?? [:]
            source["targetRevision"] = "main"
            theirs["source"] = .object(source)
            var syncPolicy = ours[path: ["spec", "syncPolicy"]]?.objectValue ?? [:]
            #expect(syncPolicy.removeValue(forKey: "retry") != nil)
            var spec = ours["spec"]?.objectValue ?? [:]
            spec["syncPolicy"] = .object(syncPolicy)
            #expect(JSONValue.object(spec) == .object(theirs))
            #expect(ours["apiVersion"] == "argoproj.io/v1alpha1")
        }
    }

    @Test func argoCDRefusesABucketStore() throws {
        var manifests = Self.bucket()
        manifests.agent = .argocd
        #expect(throws: DestinationManifestsError(.argoCDNeedsGit(destination: "worker-1"))) { try manifests.objects() }
    }

    // MARK: Paths and modes (spec §7)

    /// The agent reads `<store path>/<destination path>`, Git trimming the store path's leading slash.
    @Test(arguments: [
        ("", "worker-1", "worker-1"), ("/fleet/", "dev", "fleet/dev"), ("fleet", "./a/../b", "fleet/b"), ("", ".", "."), ("", "/", "."),
    ])
    func directoryJoinsStoreAndDestinationPaths(storePath: String, path: String, expected: String) throws {
        let manifests = Self.git(path: path, storePath: storePath)
        #expect(manifests.directory == expected)
        let kustomizations = try manifests.objects().filter { $0["kind"] == "Kustomization" }
        let prefix = expected == "." ? "" : expected + "/"
        #expect(kustomizations.map { $0[path: ["spec", "path"]]?.stringValue } == [prefix + "dependencies/", prefix + "resources/"])
    }

    @Test func bucketPathsUseTheDotSlashForm() throws {
        let kustomizations = try Self.bucket(storePath: "platform").objects().filter { $0["kind"] == "Kustomization" }
        #expect(kustomizations.map { $0[path: ["spec", "path"]]?.stringValue } == ["./platform/worker-1/dependencies", "./platform/worker-1/resources"])
    }

    /// `aggregatedYAML` and `none` write one flat directory (canaries included): one Kustomization
    /// reads it. Mode `none` keeps `.kratix/` bookkeeping there, which the source ignores.
    @Test(arguments: [FilepathMode.aggregatedYAML, .none])
    func flatModesReadOneDirectory(mode: FilepathMode) throws {
        let objects = try Self.git(mode).objects()
        let kustomizations = objects.filter { $0["kind"] == "Kustomization" }
        #expect(kustomizations.count == 1)
        #expect(kustomizations.first?[path: ["metadata", "name"]] == "kratix-worker-1")
        #expect(kustomizations.first?[path: ["spec", "path"]] == "worker-1/")
        #expect(kustomizations.first?[path: ["spec", "dependsOn"]] == nil)
        let source = try #require(objects.first { $0["kind"] == "GitRepository" })
        #expect((source[path: ["spec", "ignore"]]?.stringValue?.contains(".kratix/") ?? false) == (mode == .none))

        let applications = try Self.git(mode, agent: .argocd).objects().filter { $0["kind"] == "Application" }
        #expect(applications.count == 1)
        #expect(applications.first?[path: ["spec", "source", "path"]] == "worker-1/")
        #expect((applications.first?[path: ["spec", "source", "directory", "exclude"]] != nil) == (mode == .none))
    }

    /// Flux takes only `ssh://` URLs; the scp form a GitStateStore may use is rewritten, and an SSH
    /// store asks for Flux's SSH key names.
    @Test func sshStoresUseFluxsURLFormAndKeys() throws {
        #expect(DestinationManifests.fluxGitURL("git@github.com:org/repo.git") == "ssh://git@github.com/org/repo.git")
        #expect(DestinationManifests.fluxGitURL("ssh://git@host:2222/repo") == "ssh://git@host:2222/repo")
        #expect(DestinationManifests.fluxGitURL("https://user@host/repo") == "https://user@host/repo")
        let objects = try Self.git(url: "git@github.com:org/repo.git").objects()
        #expect(objects.first?["stringData"]?.objectValue?.keys.sorted() == ["identity", "known_hosts"])
        #expect(objects.first { $0["kind"] == "GitRepository" }?[path: ["spec", "url"]] == "ssh://git@github.com/org/repo.git")
        let argo = try Self.git(agent: .argocd, url: "git@github.com:org/repo.git").objects()
        #expect(argo.first?["stringData"]?.objectValue?.keys.sorted() == ["sshPrivateKey", "type", "url"])
        #expect(argo.last?[path: ["spec", "source", "repoURL"]] == "git@github.com:org/repo.git")
    }

    @Test func yamlStartsWithAHeaderNamingTheSecretsKeys() throws {
        let yaml = try Self.git().yaml()
        let header = yaml.split(separator: "\n").prefix { $0.hasPrefix("#") }
        #expect(header.contains { $0.contains("flux-system/gitea-credentials") && $0.contains("username, password") })
        let documents = try YAMLReader.documents(in: yaml, source: "output").map(\.value).filter { !$0.isNull }
        #expect(documents == (try Self.git().objects()))
    }

    // MARK: Flux's schemas

    /// Every Flux object, for both kinds of store and every filepath mode, is valid against Flux's
    /// CRD (the version it names), and pruning would drop none of its fields.
    @Test(arguments: FilepathMode.allCases)
    func fluxObjectsValidateAgainstFluxsCRDs(mode: FilepathMode) throws {
        let schemas = try Self.fluxSchemas()
        for manifests in [Self.git(mode), Self.git(mode, url: "ssh://git@127.0.0.1/repo.git"), Self.bucket(mode, storePath: "s")] {
            for object in try manifests.objects() where object["kind"] != "Secret" {
                let kind = object["kind"]?.stringValue ?? ""
                let crd = try #require(schemas[kind], "no Flux CRD for \(kind)")
                #expect(object["apiVersion"]?.stringValue == crd.apiVersion)
                let validator = SchemaValidator(schema: crd.schema)
                let (_, problems) = validator.apply(to: object)
                #expect(problems.isEmpty, "\(kind): \(problems)")
                #expect(validator.unknownFields(in: object).isEmpty, "\(kind) has fields Flux does not know")
            }
        }
    }

    /// The check above can fail: Flux's schema refuses a Kustomization without `prune` or with an
    /// interval Flux cannot parse, and reports a field it does not know.
    @Test func theSchemaCheckRefusesABrokenKustomization() throws {
        let schema = try #require(try Self.fluxSchemas()["Kustomization"]?.schema)
        let kustomization = try #require(try Self.git().objects().first { $0["kind"] == "Kustomization" })
        var spec = try #require(kustomization["spec"]?.objectValue)
        spec["prune"] = nil
        spec["interval"] = "5 seconds"
        spec["dependencies"] = ["x"]
        var broken = kustomization.objectValue ?? [:]
        broken["spec"] = .object(spec)
        let validator = SchemaValidator(schema: schema)
        let fields = validator.apply(to: .object(broken)).problems.map(\.field)
        #expect(fields.contains { $0.hasSuffix("prune") })
        #expect(fields.contains { $0.hasSuffix("interval") })
        #expect(validator.unknownFields(in: .object(broken)) == ["spec.dependencies"])
    }

    // MARK: The command

    @Test func flagsAreCheckedBeforeAnythingIsPrinted() throws {
        typealias Command = ManifestsCommand.DestinationCommand
        #expect(throws: (any Error).self) { try Command.parse(["w"]) }
        #expect(throws: (any Error).self) { try Command.parse(["w", "--git-url", "https://h/r", "--bucket", "b", "--endpoint", "e"]) }
        #expect(throws: (any Error).self) { try Command.parse(["w", "--bucket", "b"]) }
        #expect(throws: (any Error).self) { try Command.parse(["w", "--kubeconfig", "k", "--git-url", "https://h/r"]) }
        #expect(throws: (any Error).self) { try Command.parse(["w", "--git-url", "https://h/r", "--filepath-mode", "flat"]) }
        let argo = try Command.parse(["w", "--argocd", "--git-url", "https://h/r", "--branch", "dev"])
        #expect(argo.agent == .argocd)
        #expect(try Command.parse(["w", "--bucket", "b", "--endpoint", "e"]).agent == .flux)
    }

    /// The binary itself, flag path: Flux by default, the path defaulting to NAME.
    @Test func binaryPrintsTheFlagPath() async throws {
        let result = try await Support.run(Support.kratixBinary.path, [
            "manifests", "destination", "edge", "--git-url", "https://git.example.com/platform/state.git", "--branch", "prod",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let objects = try YAMLReader.documents(in: result.stdout, source: "stdout").map(\.value).filter { !$0.isNull }
        #expect(Self.named(objects, "Secret", "kratix-edge-credentials")?[path: ["metadata", "namespace"]] == "flux-system")
        #expect(Self.named(objects, "GitRepository", "kratix-edge-dependencies")?[path: ["spec", "ref", "branch"]] == "prod")
        #expect(Self.named(objects, "Kustomization", "kratix-edge-resources")?[path: ["spec", "path"]] == "edge/resources/")
    }
}
