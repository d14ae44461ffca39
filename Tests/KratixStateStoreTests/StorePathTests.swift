import KubeModel
import Testing
@testable import KratixStateStore

@Suite("Path rules (Go filepath semantics, spec §7.1)")
struct StorePathTests {
    /// Cases from Go's own `filepath.Clean` tests.
    @Test(arguments: [
        ("", "."), ("abc", "abc"), ("abc/def", "abc/def"), (".", "."), ("..", ".."), ("../..", "../.."),
        ("../../abc", "../../abc"), ("/abc", "/abc"), ("/", "/"), ("abc/", "abc"), ("abc//def//ghi", "abc/def/ghi"),
        ("//abc", "/abc"), ("abc/./def", "abc/def"), ("/./abc/def", "/abc/def"), ("abc/..", "."),
        ("abc/def/..", "abc"), ("abc/def/../ghi/../jkl", "abc/jkl"), ("abc/def/../../..", ".."),
        ("/abc/def/../../..", "/"), ("abc/def/../../../ghi/jkl/../../../mno", "../../mno"), ("/../abc", "/abc"),
    ])
    func clean(input: String, expected: String) {
        #expect(StorePath.clean(input) == expected)
    }

    @Test func join() {
        #expect(StorePath.join("a", "b", "c") == "a/b/c")
        #expect(StorePath.join("a", "") == "a")
        #expect(StorePath.join("", "") == "")
        #expect(StorePath.join("a/", "b") == "a/b")
        #expect(StorePath.join("/", "a") == "/a")
        #expect(StorePath.join("", "/", "x") == "/x")
        #expect(StorePath.join("destinations", "dev/", "./resources") == "destinations/dev/resources")
    }

    @Test func workloadPathsMustStayInside() throws {
        #expect(try StorePath.validatedRelativeFile("a/../b.yaml") == "b.yaml")
        #expect(try StorePath.validatedRelativeFile("./x/y.yaml") == "x/y.yaml")
        for bad in ["/etc/passwd", "../x.yaml", "a/../../x.yaml", "..", ".", ""] {
            #expect(throws: StateStoreError.self, "\(bad)") { try StorePath.validatedRelativeFile(bad) }
        }
        do {
            _ = try StorePath.validatedRelativeFile("../../secret.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("escapes its directory"))
            #expect(error.description.contains("nothing was written"))
        }
    }

    @Test func storePathsMayStartWithSlashButNotEscape() throws {
        #expect(try StorePath.validatedStorePath("/", field: "directory") == "/")
        #expect(try StorePath.validatedStorePath("dev/./x", field: "directory") == "dev/x")
        #expect(throws: StateStoreError.self) { try StorePath.validatedStorePath("../up", field: "directory") }
    }

    @Test func gitPlanComposesLikeUpstream() throws {
        let update = StateStoreUpdate(name: "wp", directory: "dev/resources/default/redis/example/instance-configure/5058f",
                                      replaceDirectory: true, files: [StateStoreFile(path: "redis.yaml", text: "a")])
        let plan = try GitUpdatePlan(update, storePath: "/destinations/")
        #expect(plan.replacedDirectory == "destinations/dev/resources/default/redis/example/instance-configure/5058f")
        #expect(plan.files.map(\.path) == ["destinations/dev/resources/default/redis/example/instance-configure/5058f/redis.yaml"])
        // The Destination path "/" lands at the repository root for Git.
        let flat = try GitUpdatePlan(StateStoreUpdate(name: "wp", directory: "/", files: [StateStoreFile(path: "x.yaml", text: "")]), storePath: "")
        #expect(flat.files.map(\.path) == ["x.yaml"])
        #expect(throws: StateStoreError.self) {
            try GitUpdatePlan(StateStoreUpdate(name: "wp", files: [StateStoreFile(path: ".git/hooks/pre-commit", text: "")]), storePath: "")
        }
    }

    @Test func canaryPathsAndBytes() {
        let nested = CanaryDocuments.paths(destinationPath: "worker-1", mode: .nestedByMetadata)
        #expect(nested.namespace == "worker-1/dependencies/kratix-canary-namespace.yaml")
        #expect(nested.configMap == "worker-1/resources/kratix-canary-configmap.yaml")
        let flat = CanaryDocuments.paths(destinationPath: "worker-1", mode: .aggregatedYAML)
        #expect(flat.namespace == "worker-1/kratix-canary-namespace.yaml")
        #expect(CanaryDocuments.namespaceDocument.hasSuffix("status: {}\n"))
        #expect(CanaryDocuments.update(destinationPath: "w", mode: .none).commitMessage == "Update from: kratix-canary")
    }

    @Test func commitMessages() {
        #expect(StateStoreUpdate(name: "wp-1", files: [StateStoreFile(path: "a", text: "")], deletions: ["b"]).commitMessage == "Update from: wp-1")
        #expect(StateStoreUpdate(name: "wp-1", deletions: ["b"]).commitMessage == "Delete from: wp-1")
        let batch = GitRepository.message(for: [StateStoreUpdate(name: "a", files: [StateStoreFile(path: "x", text: "")]),
                                                StateStoreUpdate(name: "b", directory: "d", replaceDirectory: true)])
        #expect(batch == "Update from: a\n\nDelete from: b")
    }

    @Test func goDurations() {
        #expect(GoDuration.parse("90s") == .seconds(90))
        #expect(GoDuration.parse("1h30m") == .seconds(5400))
        #expect(GoDuration.parse("500ms") == .milliseconds(500))
        #expect(GoDuration.parse("bogus") == nil)
    }
}
