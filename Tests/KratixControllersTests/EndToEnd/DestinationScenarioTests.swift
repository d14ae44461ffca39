import Foundation
import KratixAPI
import KratixStateStore
import KratixTestSupport
import KubeClient
import KubeModel
import Testing
@testable import KratixControllers

/// acceptance-scenarios.md §3.2 `destination_test.go` and `git_recovery_test.go` (assets
/// `destination/`): readiness, its events and recovery for Git- and bucket-backed Destinations, the
/// `aggregatedYAML` and `none` path modes, and `cleanup: all`. The fixtures' stores name in-cluster
/// Gitea and MinIO; the tests point them at a `git http-backend` over HTTPS with basic auth and at
/// moto, and read the results back with `git` and boto3.
@Suite(.serialized) struct DestinationScenarioTests {
    static let assets = "kratix/system/assets/destination"
    static let password = "gitea-Pa55word"

    /// A fixture's text with its in-cluster addresses replaced.
    func fixture(_ name: String, replacing replacements: [String: String] = [:]) throws -> String {
        var text = try String(contentsOf: TestEnvironment.fixturesDirectory.appendingPathComponent("\(Self.assets)/\(name)"), encoding: .utf8)
        for (old, new) in replacements { text = text.replacingOccurrences(of: old, with: new) }
        return text
    }

    func scratchDirectory() throws -> String {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("kratix-dest-\(UUID().uuidString.prefix(6))").path
        try FileManager.default.createDirectory(atPath: scratch + "/git", withIntermediateDirectories: true)
        return scratch
    }

    func ready(_ object: KubeObject?) -> Bool { object?.condition("Ready")?["status"] == "True" }

    func destination(_ platform: PlatformHarness, _ name: String) async -> KubeObject? {
        await platform.get(Destination.groupVersionResource, name)
    }

    /// The fixture's GitStateStore on the HTTPS server, and its Secret.
    func createGitStore(_ platform: PlatformHarness, _ server: SchedGitHTTPServer, password: String = Self.password) async throws {
        try await platform.kubectl(["create", "secret", "generic", "gitea-credentials", "-n", "default",
                                    "--from-literal=username=gitea_admin", "--from-literal=password=\(password)"])
        try await platform.kubectl(["apply", "-f", "-"], stdin: try fixture(
            "destination-git-test-store.yaml", replacing: ["https://gitea-http.gitea.svc.cluster.local/gitea_admin/kratix": server.url("kratix")]))
    }

    /// A bare repository `kratix` behind the HTTPS Git server, the fixture's GitStateStore on it and
    /// a running platform: the setting of the Git-backed scenarios.
    func withGitPlatform(_ body: (PlatformHarness, SchedBareRepo, String) async throws -> Void) async throws {
        let scratch = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let repository = try await SchedBareRepo.make(in: scratch + "/git", name: "kratix")
        let server = try await SchedGitHTTPServer.start(root: scratch + "/git", user: "gitea_admin", password: Self.password, in: scratch)
        defer { Task { await server.stop() } }
        try await PlatformHarness.with { platform in
            try await createGitStore(platform, server)
            try await body(platform, repository, scratch)
        }
    }

    /// Moto with BucketStateStore `default` on it, and a running platform.
    func withBucketPlatform(_ body: (PlatformHarness, MotoServer) async throws -> Void) async throws {
        let scratch = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let moto = try await MotoServer.start(in: scratch)
        defer { Task { await moto.stop() } }
        try await PlatformHarness.with { platform in
            try await platform.bucketStore(on: moto)
            try await body(platform, moto)
        }
    }

    @Test func gitDestinationReportsEachFaultAndRecovers() async throws {
        let scratch = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let repository = try await SchedBareRepo.make(in: scratch + "/git", name: "kratix")
        let server = try await SchedGitHTTPServer.start(root: scratch + "/git", user: "gitea_admin", password: Self.password, in: scratch)
        defer { Task { await server.stop() } }
        try await PlatformHarness.with { platform in
            try await createGitStore(platform, server)
            try await platform.apply(fixture: "\(Self.assets)/destination-worker-git.yaml")
            try await platform.startManager()
            let store = "destination-git-test-store"
            func gitStore() async -> KubeObject? { await platform.get(GitStateStore.groupVersionResource, store) }

            // Ready, with its event and its canary files in the remote.
            #expect(await platform.eventually { ready(await destination(platform, "test-worker-git")) })
            #expect(await platform.eventually {
                try await platform.events(about: "test-worker-git").contains("Normal DestinationReady: Destination is Ready")
            })
            #expect(try await repository.files().contains("worker-git/dependencies/kratix-canary-namespace.yaml"))

            // A store that does not exist.
            try await platform.kubectl(["patch", "destination", "test-worker-git", "--type=merge", "-p", #"{"spec":{"stateStoreRef":{"name":"missing"}}}"#])
            #expect(await platform.eventually {
                await destination(platform, "test-worker-git")?.condition("Ready")?["message"] == "GitStateStore/missing: not found"
            })
            #expect(try await platform.events(about: "test-worker-git").contains("Warning DestinationNotReady: GitStateStore/missing: not found"))
            try await platform.kubectl(["patch", "destination", "test-worker-git", "--type=merge", "-p", #"{"spec":{"stateStoreRef":{"name":"\#(store)"}}}"#])
            #expect(await platform.eventually { ready(await destination(platform, "test-worker-git")) }, "recovers once the store exists")

            // The store's Secret goes: the store names it, the Destination is not ready.
            try await platform.kubectl(["delete", "secret", "gitea-credentials", "-n", "default"])
            #expect(await platform.eventually(timeout: .seconds(30)) {
                await gitStore()?.condition("Ready")?["reason"] == "SecretNotFound"
            })
            #expect(await gitStore()?.condition("Ready")?["message"] == "Secret gitea-credentials not found in namespace default")
            #expect(try await platform.events(about: store).contains("Warning NotReady: Secret gitea-credentials not found in namespace default"))
            #expect(await platform.eventually(timeout: .seconds(30)) {
                await destination(platform, "test-worker-git")?.condition("Ready")?["message"]?.stringValue == "GitStateStore/\(store): not ready"
            })
            #expect(try await platform.events(about: "test-worker-git").contains("Warning DestinationNotReady: GitStateStore/\(store): not ready"))

            // Wrong credentials: the clone fails (without the password in any message), then the right ones recover.
            try await platform.kubectl(["create", "secret", "generic", "gitea-credentials", "-n", "default",
                                        "--from-literal=username=gitea_admin", "--from-literal=password=wrong-\(Self.password)"])
            #expect(await platform.eventually(timeout: .seconds(30)) {
                await gitStore()?.condition("Ready")?["reason"] == "ErrorInitialisingWriter"
            })
            let failure = await gitStore()?.condition("Ready")?["message"]?.stringValue ?? ""
            #expect(failure.hasPrefix("unable to clone repository: "), "\(failure)")
            #expect(!failure.contains(Self.password))
            #expect(try await platform.events(about: store).contains { $0.hasPrefix("Warning NotReady: unable to clone repository: ") })
            #expect(try await platform.events(about: store).allSatisfy { !$0.contains(Self.password) })
            #expect(await platform.eventually(timeout: .seconds(30)) {
                let events = try await platform.events(about: "test-worker-git")
                let current = await destination(platform, "test-worker-git")
                return events.contains("Warning DestinationNotReady: GitStateStore/\(store): not ready") && !ready(current)
            })
            // Work scheduled meanwhile: its placement carries the store's error, and the Work does not claim success.
            let content = WorkloadContent.encode("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: while-broken}\n")
            let work = """
                apiVersion: platform.kratix.io/v1alpha1
                kind: Work
                metadata: {name: while-broken, namespace: default}
                spec:
                  promiseName: while-broken
                  workloadGroups:
                  - id: "0"
                    directory: .
                    workloads: [{filepath: cm.yaml, content: "\(content)"}]
                    destinationSelectors: [{matchLabels: {environment: dev}}]
                """
            try await platform.kubectl(["apply", "-f", "-"], stdin: work)
            func placement() async throws -> KubeObject? {
                try await platform.list(WorkPlacement.groupVersionResource, namespace: "default").first { $0[at: ["spec", "promiseName"]] == "while-broken" }
            }
            #expect(await platform.eventually(timeout: .seconds(30)) {
                let message = try await placement()?.condition("WriteSucceeded")?["message"]?.stringValue ?? ""
                return message.hasPrefix("GitStateStore \(store) is not ready: unable to clone repository: ")
            }, "the placement names the store's error")
            // The scheduler's first verdict can land after the failed write and set `Ready` to
            // `Pending` (spec: WriteSucceeded is not True); the controller's retry, 15 s later, sets
            // `Failing` again.
            #expect(await platform.eventually(timeout: .seconds(45)) {
                try await placement()?.condition("Ready")?["message"] == "Failing"
            }, "the placement is Failing")
            #expect(try await placement()?.condition("WriteSucceeded")?["message"]?.stringValue?.contains(Self.password) == false)
            #expect(await platform.eventually(timeout: .seconds(30)) {
                await platform.get(Work.groupVersionResource, "while-broken", namespace: "default")?.condition("Ready")?["message"] == "Failing"
            }, "the Work does not claim success")
            try await platform.kubectl(["delete", "secret", "gitea-credentials", "-n", "default"])
            try await platform.kubectl(["create", "secret", "generic", "gitea-credentials", "-n", "default",
                                        "--from-literal=username=gitea_admin", "--from-literal=password=\(Self.password)"])
            #expect(await platform.eventually(timeout: .seconds(60)) {
                let storeNow = await gitStore()
                let destinationNow = await destination(platform, "test-worker-git")
                return ready(storeNow) && ready(destinationNow)
            }, "store and Destination recover with the right credentials")
            #expect(await platform.eventually(timeout: .seconds(60)) {
                try await placement()?.condition("WriteSucceeded")?["status"] == "True"
            }, "the placement is written once the store recovers")
            #expect(try await platform.events(about: store).contains("Normal Ready: GitStateStore \"\(store)\" is ready"))
        }
    }

    @Test func bucketDestinationReportsEachFaultAndRecovers() async throws {
        let scratch = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        // Credentials are checked, so a wrong key fails the permission check.
        let moto = try await MotoServer.start(in: scratch, checkingCredentials: true)
        defer { Task { await moto.stop() } }
        try await PlatformHarness.with { platform in
            let store = "destination-test-store"
            func bucketStore() async -> KubeObject? { await platform.get(BucketStateStore.groupVersionResource, store) }
            try await platform.kubectl(["apply", "-f", "-"], stdin: try fixture(
                "destination-test-store.yaml", replacing: ["minio.kratix-platform-system.svc.cluster.local": moto.endpoint]))
            try await platform.apply(fixture: "\(Self.assets)/destination-worker-3.yaml")
            try await platform.startManager()

            // No Secret yet: the store names it, the Destination waits.
            #expect(await platform.eventually(timeout: .seconds(30)) {
                await bucketStore()?.condition("Ready")?["message"] == "Secret minio-credentials not found in namespace default"
            })
            #expect(try await platform.events(about: store).contains("Warning NotReady: Secret minio-credentials not found in namespace default"))
            #expect(await platform.eventually(timeout: .seconds(30)) {
                try await platform.events(about: "worker-3").contains("Warning DestinationNotReady: BucketStateStore/\(store): not ready")
            })

            // Wrong credentials: the permission check fails.
            try await platform.kubectl(["create", "secret", "generic", "minio-credentials", "-n", "default",
                                        "--from-literal=accessKeyID=\(moto.accessKeyID)", "--from-literal=secretAccessKey=not-the-key"])
            #expect(await platform.eventually(timeout: .seconds(30)) {
                await bucketStore()?.condition("Ready")?["reason"] == "ErrorValidatingPermissions"
            })
            let failure = await bucketStore()?.condition("Ready")?["message"]?.stringValue ?? ""
            #expect(failure.hasPrefix("Error validating state store permissions: write permission validation failed: "), "\(failure)")
            #expect(!ready(await destination(platform, "worker-3")))

            // The right key: both recover and the canary files are in the bucket.
            try await platform.kubectl(["delete", "secret", "minio-credentials", "-n", "default"])
            try await platform.kubectl(["create", "secret", "generic", "minio-credentials", "-n", "default",
                                        "--from-literal=accessKeyID=\(moto.accessKeyID)", "--from-literal=secretAccessKey=\(moto.secretAccessKey)"])
            #expect(await platform.eventually(timeout: .seconds(60)) {
                let storeNow = await bucketStore()
                let destinationNow = await destination(platform, "worker-3")
                return ready(storeNow) && ready(destinationNow)
            }, "store and Destination recover with the right key")
            #expect(try await platform.events(about: "worker-3").contains("Normal DestinationReady: Destination is Ready"))
            #expect(try await moto.contents()["worker-3/dependencies/kratix-canary-namespace.yaml"] == CanaryDocuments.namespaceDocument)

            // A store that does not exist.
            try await platform.kubectl(["patch", "destination", "worker-3", "--type=merge", "-p", #"{"spec":{"stateStoreRef":{"name":"missing"}}}"#])
            #expect(await platform.eventually {
                await destination(platform, "worker-3")?.condition("Ready")?["reason"] == "StateStoreNotFound"
            })
            #expect(try await platform.events(about: "worker-3").contains("Warning DestinationNotReady: BucketStateStore/missing: not found"))
            try await platform.kubectl(["patch", "destination", "worker-3", "--type=merge", "-p", #"{"spec":{"stateStoreRef":{"name":"\#(store)"}}}"#])
            #expect(await platform.eventually { ready(await destination(platform, "worker-3")) })
        }
    }

    @Test func aggregatedYAMLBundlesEveryDocumentIntoOneFile() async throws {
        try await withBucketPlatform { platform, moto in
            try await platform.apply(fixture: "\(Self.assets)/destination-aggregated-yaml.yaml")
            try await platform.startManager()
            try await platform.apply(fixture: "\(Self.assets)/promise.yaml")
            #expect(await platform.eventually { await platform.get(.customResourceDefinitions, "aggregates.test.kratix.io") != nil })
            try await platform.apply(fixture: "\(Self.assets)/resources.yaml")

            let catalog = "aggregated-yaml/catalog.yaml"
            func bundled() async throws -> [String: String] { try await moto.contents().filter { $0.key.hasPrefix("aggregated-yaml/") } }
            let complete = await platform.eventually(timeout: .seconds(120)) {
                let text = try await bundled()[catalog] ?? ""
                return text.contains("name: aggregate-test-ns") && text.contains("name: req-1") && text.contains("name: req-2")
            }
            await platform.reportFailedPods(namespace: "default")
            await platform.reportFailedPods(namespace: KratixGroup.systemNamespace)
            var objects = try await bundled()
            #expect(complete, "\(objects)")
            // Only the bundle beside the canary files.
            #expect(objects.keys.sorted() == ["aggregated-yaml/catalog.yaml", "aggregated-yaml/kratix-canary-configmap.yaml",
                                              "aggregated-yaml/kratix-canary-namespace.yaml"])
            let documents = (objects[catalog] ?? "").components(separatedBy: "\n---\n")
            #expect(documents.count == 3, "\(objects[catalog] ?? "")")

            // Deleting one request removes only its documents.
            try await platform.kubectl(["delete", "aggregate", "req-1", "-n", "default"])
            #expect(await platform.eventually(timeout: .seconds(60)) {
                let text = try await bundled()[catalog] ?? ""
                return !text.contains("name: req-1") && text.contains("name: req-2") && text.contains("name: aggregate-test-ns")
            })

            // Deleting the Promise removes the file.
            try await platform.kubectl(["delete", "promise", "aggregate-promise", "--wait=false"])
            #expect(await platform.eventually(timeout: .seconds(90)) { try await bundled()[catalog] == nil })
            objects = try await bundled()
            #expect(objects.keys.sorted() == ["aggregated-yaml/kratix-canary-configmap.yaml", "aggregated-yaml/kratix-canary-namespace.yaml"])
        }
    }

    @Test func pathModeNoneOnGitTracksWorkPlacements() async throws {
        try await withGitPlatform { platform, repository, scratch in
            try await platform.apply(fixture: "\(Self.assets)/destination-git-filepathmode-none.yaml")
            try await platform.startManager()
            try await platform.apply(fixture: "\(Self.assets)/promise-filepathmode-none.yaml")
            #expect(await platform.eventually { await platform.get(.customResourceDefinitions, "modenone.test.kratix.io") != nil })
            try await platform.apply(fixture: "\(Self.assets)/resource-filepathmode-none.yaml")
            let requests = GroupVersionResource(group: "test.kratix.io", version: "v1alpha1", resource: "modenone")
            #expect(await platform.eventually(timeout: .seconds(120)) {
                await platform.get(requests, "modenone-request-1", namespace: "default")?.condition("Reconciled")?["status"] == "True"
            })
            await platform.reportFailedPods(namespace: "default")
            let target = "kratix.io/targetDestinationName=test-worker-git-filepathmode-none"
            func placements() async throws -> [KubeObject] { try await platform.list(WorkPlacement.groupVersionResource, labels: target) }
            #expect(await platform.eventually {
                let all = try await placements()
                return all.count == 2 && all.allSatisfy { $0.condition("Ready")?["status"] == "True" }
            }, "the promise and resource WorkPlacements are Ready")

            // Flat files at the Destination's path, with a state file per WorkPlacement.
            let files = try await repository.files().filter { $0.hasPrefix("filepathmode-none/") }
            #expect(files.contains("filepathmode-none/filepathmode-none-ns.yaml"), "\(files)")
            #expect(files.contains("filepathmode-none/filepathmode-none-cm-modenone-request-1.yaml"), "\(files)")
            #expect(files.filter { $0.hasPrefix("filepathmode-none/.kratix/") }.count == 2, "\(files)")

            // Deleting the request removes its WorkPlacement and its files.
            try await platform.kubectl(["delete", "modenone", "modenone-request-1", "-n", "default"])
            #expect(await platform.eventually(timeout: .seconds(60)) {
                let resourcePlacements = try await placements().filter { !($0[at: ["spec", "resourceName"]]?.stringValue ?? "").isEmpty }
                let files = try await repository.files()
                return resourcePlacements.isEmpty && !files.contains("filepathmode-none/filepathmode-none-cm-modenone-request-1.yaml")
            })
            #expect(try await placements().count == 1)

            // Deleting the Promise removes every WorkPlacement for the Destination, and its files.
            try await platform.kubectl(["delete", "promise", "filepathmode-none", "--wait=false"])
            #expect(await platform.eventually(timeout: .seconds(90)) { try await placements().isEmpty })
            let cleaned = await platform.eventually {
                try await repository.files().filter { $0.hasPrefix("filepathmode-none/") }.sorted()
                    == ["filepathmode-none/kratix-canary-configmap.yaml", "filepathmode-none/kratix-canary-namespace.yaml"]
            }
            let remaining = try await repository.files()
            #expect(cleaned, "\(remaining)")
        }
    }

    @Test func cleanupAllDeletesTheDestinationsDirectory() async throws {
        try await withBucketPlatform { platform, moto in
            try await platform.apply(fixture: "\(Self.assets)/destination-cleanup-all.yaml")
            try await platform.startManager()
            #expect(await platform.eventually { ready(await destination(platform, "cleanup-all")) })
            #expect(await destination(platform, "cleanup-all")?.json["metadata"]?["finalizers"]?.arrayValue?
                .contains("kratix.io/destination-cleanup") == true)

            try await platform.apply(fixture: "\(Self.assets)/promise-cleanup-all.yaml")
            #expect(await platform.eventually { await platform.get(.customResourceDefinitions, "cleanupalls.test.kratix.io") != nil })
            try await platform.apply(fixture: "\(Self.assets)/resources-cleanup-all.yaml")
            func stored() async throws -> [String] { try await moto.contents().keys.filter { $0.hasPrefix("cleanup-all/") }.sorted() }
            let written = await platform.eventually(timeout: .seconds(120)) {
                let keys = try await stored()
                return keys.contains { $0.hasSuffix("/ns.yaml") } && keys.contains { $0.hasSuffix("/configmap.yaml") }
            }
            await platform.reportFailedPods(namespace: "default")
            let keys = try await stored()
            #expect(written, "\(keys)")
            #expect(keys.contains("cleanup-all/dependencies/kratix-canary-namespace.yaml"))
            #expect(keys.contains("cleanup-all/resources/kratix-canary-configmap.yaml"))

            try await platform.kubectl(["delete", "destination", "cleanup-all", "--wait=false"])
            let removed = await platform.eventually(timeout: .seconds(90)) {
                let keys = try await stored()
                let gone = await destination(platform, "cleanup-all") == nil
                return keys.isEmpty && gone
            }
            let left = try await stored()
            #expect(removed, "\(left)")
        }
    }

    @Test func filesDeletedFromTheRemoteAreRestoredOnTheNextWrite() async throws {
        try await withGitPlatform { platform, repository, scratch in
            try await platform.apply(fixture: "\(Self.assets)/destination-git-recovery.yaml")
            try await platform.startManager()
            try await platform.apply(fixture: "\(Self.assets)/promise-git-recovery.yaml")
            let promise = try await platform.kubectl(["get", "-f", TestEnvironment.fixturesDirectory.appendingPathComponent("\(Self.assets)/promise-git-recovery.yaml").path,
                                                      "-o", "jsonpath={.metadata.name}"])
            #expect(await platform.eventually { await platform.get(Promise.groupVersionResource, promise)?[at: ["status", "status"]] == "Available" })
            try await platform.apply(fixture: "\(Self.assets)/resource-git-recovery.yaml")
            func resourceFiles() async throws -> [String] {
                try await repository.files().filter { $0.hasPrefix("git-recovery/resources/") && !$0.hasSuffix("kratix-canary-configmap.yaml") }
            }
            #expect(await platform.eventually(timeout: .seconds(120)) { !(try await resourceFiles().isEmpty) })
            await platform.reportFailedPods(namespace: "default")
            let before = try await resourceFiles()
            #expect(!before.isEmpty)

            // Behind Kratix's back: the resource's files are removed from the remote.
            let clone = scratch + "/clone"
            try await TestShell.check("git", ["clone", "--quiet", "--branch", "main", repository.path, clone])
            try await TestShell.check("git", ["rm", "-r", "--quiet", "git-recovery/resources/default"], cwd: clone)
            try await TestShell.check("git", ["-c", "user.name=intruder", "-c", "user.email=i@example.com", "commit", "--quiet", "-m", "remove"], cwd: clone)
            try await TestShell.check("git", ["push", "--quiet", "origin", "main"], cwd: clone)
            #expect(try await resourceFiles().isEmpty)

            // The request changes: the next write restores the files with the new content.
            try await platform.kubectl(["patch", "gitrecovery", "example", "-n", "default", "--type=merge", "-p", #"{"spec":{"value":"two"}}"#])
            let configMap = before.first { $0.hasSuffix("/gitrecovery-configmap.yaml") } ?? ""
            let restored = await platform.eventually(timeout: .seconds(120)) {
                let files = try await resourceFiles()
                let text = try await repository.show(configMap)
                return Set(files) == Set(before) && text?.contains("value: two") == true
            }
            let after = try await resourceFiles()
            #expect(restored, "restored: \(after) vs \(before)")
            // The placements' status is written after the push that restored the files.
            #expect(await platform.eventually(timeout: .seconds(30)) {
                let placements = try await platform.list(WorkPlacement.groupVersionResource, labels: "kratix.io/targetDestinationName=git-recovery")
                return !placements.isEmpty && placements.allSatisfy { $0.condition("Ready")?["status"] == "True" }
            })
        }
    }
}
