import KratixAPI
import KratixStateStore
import KubeModel
import Testing
@testable import KratixControllers

@Suite("WorkPlacement layout on the store (spec §7), pure")
struct WorkPlacementLayoutTests {
    static let extrasID = "0f0e0d0c0b0a09080706050403020100"

    static func placement(_ name: String = "wp", namespace: String = "default", resource: String? = "example", pipeline: String? = "instance-configure",
                          groupID: String = WorkPlacementNaming.rootGroupID, files: [(String, String)] = [("redis.yaml", "kind: Redis\n")],
                          deleting: Bool = false) -> WorkPlacement {
        var placement = WorkPlacement(name: name, namespace: namespace)
        placement.metadata.labels = pipeline.map { [KratixLabels.pipelineName: $0] }
        placement.spec.promiseName = "redis"
        placement.spec.resourceName = resource
        placement.spec.id = groupID
        placement.spec.targetDestinationName = "worker-1"
        placement.spec.workloads = files.map { Workload(filepath: $0.0, content: WorkloadContent.encode($0.1)) }
        if deleting { placement.metadata.deletionTimestamp = "2024-01-01T00:00:00Z" }
        return placement
    }

    // MARK: nestedByMetadata

    struct NestedCase: Sendable, CustomStringConvertible {
        var description: String
        var destinationPath: String
        var placement: WorkPlacement
        var directory: String
    }

    static let nestedCases: [NestedCase] = [
        NestedCase(description: "resource, root group", destinationPath: "dev", placement: placement(),
                   directory: "dev/resources/default/redis/example/instance-configure/5058f"),
        NestedCase(description: "resource, non-root group", destinationPath: "dev", placement: placement(groupID: extrasID),
                   directory: "dev/resources/default/redis/example/instance-configure/0f0e0"),
        NestedCase(description: "promise workflow", destinationPath: "dev", placement: placement(resource: nil, pipeline: "promise-configure"),
                   directory: "dev/dependencies/redis/promise-configure/5058f"),
        NestedCase(description: "static dependencies: the empty pipeline segment is dropped", destinationPath: "dev",
                   placement: placement(namespace: "kratix-platform-system", resource: "", pipeline: ""),
                   directory: "dev/dependencies/redis/5058f"),
        NestedCase(description: "pipeline namespace: the placement's namespace", destinationPath: "worker-1",
                   placement: placement(namespace: "kube-public"), directory: "worker-1/resources/kube-public/redis/example/instance-configure/5058f"),
        NestedCase(description: "destination path '.'", destinationPath: ".", placement: placement(resource: nil, pipeline: "p"),
                   directory: "dependencies/redis/p/5058f"),
        NestedCase(description: "destination path '/' keeps the leading slash (S3 quirk)", destinationPath: "/",
                   placement: placement(resource: nil, pipeline: "p"), directory: "/dependencies/redis/p/5058f"),
        NestedCase(description: "trailing and doubled slashes are cleaned", destinationPath: "clusters//dev/",
                   placement: placement(resource: nil, pipeline: "p"), directory: "clusters/dev/dependencies/redis/p/5058f"),
    ]

    @Test(arguments: nestedCases)
    func nestedDirectories(_ c: NestedCase) throws {
        let layout = WorkPlacementLayout(destinationPath: c.destinationPath, mode: .nestedByMetadata)
        #expect(layout.nestedDirectory(for: c.placement) == c.directory)
        let update = try layout.write(c.placement)
        #expect(update == StateStoreUpdate(name: "wp", directory: c.directory, replaceDirectory: true,
                                           files: [StateStoreFile(path: "redis.yaml", text: "kind: Redis\n")]))
        #expect(update.commitMessage == "Update from: wp")
        let removal = try #require(try layout.removal(c.placement))
        #expect(removal == StateStoreUpdate(name: "wp", directory: c.directory, replaceDirectory: true))
        #expect(removal.commitMessage == "Delete from: wp")
    }

    @Test func nonRootGroupFilesKeepTheirDirectory() throws {
        let layout = WorkPlacementLayout(destinationPath: "dev", mode: .nestedByMetadata)
        let update = try layout.write(Self.placement(groupID: Self.extrasID, files: [("extras/monitor.yaml", "kind: Monitor\n")]))
        #expect(update.files.map(\.path) == ["extras/monitor.yaml"])
        #expect(StorePath.join(update.directory, update.files[0].path) == "dev/resources/default/redis/example/instance-configure/0f0e0/extras/monitor.yaml")
    }

    @Test func contentIsWrittenDecompressedByteForByte() throws {
        let bytes: [UInt8] = [0, 1, 2, 0xff, 0x0a, 0x0d]
        var placement = Self.placement()
        placement.spec.workloads = [Workload(filepath: "bin", content: WorkloadContent.encode(bytes))]
        #expect(try WorkPlacementLayout(destinationPath: "dev", mode: .nestedByMetadata).write(placement).files[0].content == bytes)
        placement.spec.workloads = [Workload(filepath: "bad.yaml", content: "kind: NotCompressed")]
        #expect(throws: SchedulingError.self) { try WorkPlacementLayout(destinationPath: "dev", mode: .nestedByMetadata).write(placement) }
    }

    // MARK: aggregatedYAML

    @Test func aggregatedFileConcatenatesEveryPlacementSortedByName() throws {
        let layout = WorkPlacementLayout(destinationPath: "dev", mode: .aggregatedYAML, aggregatedFilename: "catalog.yaml")
        let b = Self.placement("b", files: [("one.yaml", "kind: One\n"), ("two.yaml", "kind: Two")])
        let a = Self.placement("a", namespace: "other", files: [("ns.yaml", "kind: Namespace\n")])
        let c = Self.placement("c", files: [("gone.yaml", "kind: Gone\n")], deleting: true)
        let d = Self.placement("d", files: [("last.yaml", "kind: Last\n")])
        var fresh = b
        fresh.spec.workloads = [Workload(filepath: "one.yaml", content: WorkloadContent.encode("kind: One\nv: 2\n"))]

        let update = try layout.write(fresh, destinationPlacements: [d, c, b, a])
        #expect(update.directory == "dev")
        #expect(update.files.map(\.path) == ["catalog.yaml"])
        #expect(SchedFixtures.text(update.files[0].content) == "kind: Namespace\n\n---\nkind: One\nv: 2\n\n---\nkind: Last\n")
        #expect(layout.aggregatedFilePath == "dev/catalog.yaml")

        // A file without a trailing newline still gets the separator on a new line.
        #expect(SchedFixtures.text(try WorkPlacementLayout.aggregatedContent([b])) == "kind: One\n\n---\nkind: Two")

        // Deleting one rewrites the file without it; deleting the last removes the file.
        let removal = try #require(try layout.removal(d, destinationPlacements: [a, b, c, d]))
        #expect(SchedFixtures.text(removal.files[0].content) == "kind: Namespace\n\n---\nkind: One\n\n---\nkind: Two")
        #expect(removal.commitMessage == "Update from: d")
        let last = try #require(try layout.removal(d, destinationPlacements: [c, d]))
        #expect(last == StateStoreUpdate(name: "d", deletions: ["dev/catalog.yaml"]))
        #expect(last.commitMessage == "Delete from: d")
    }

    @Test func aggregatedFilenameDefaults() {
        var destination = SchedFixtures.destination("worker-1", mode: .aggregatedYAML)
        #expect(WorkPlacementLayout(destination: destination).aggregatedFilePath == "worker-1/aggregated.yaml")
        destination.spec.filepath = DestinationFilepath(mode: .aggregatedYAML, filename: "")
        #expect(WorkPlacementLayout(destination: destination).aggregatedFilename == "aggregated.yaml")
    }

    // MARK: none

    @Test func flatModeWritesStateFileAndDeletesOnlyItsOwnStaleFiles() throws {
        let layout = WorkPlacementLayout(destinationPath: "dev", mode: .none)
        let placement = Self.placement("wp", files: [("configmap.yaml", "kind: ConfigMap\n"), ("sub/deployment.yaml", "kind: Deployment\n")])
        #expect(layout.stateFilePath(for: placement) == "dev/.kratix/default-wp.yaml")

        let first = try layout.write(placement)
        #expect(first.directory == "dev" && !first.replaceDirectory)
        #expect(first.files.map(\.path) == [".kratix/default-wp.yaml", "configmap.yaml", "sub/deployment.yaml"])
        #expect(SchedFixtures.text(first.files[0].content) == "files:\n- dev/configmap.yaml\n- dev/sub/deployment.yaml\n")
        #expect(first.deletions.isEmpty)
        #expect(first.commitMessage == "Update from: wp")

        // Old entries not written again are deleted; legacy entries without the prefix are joined onto it.
        let previous = Array("files:\n- dev/configmap.yaml\n- dev/old.yaml\n- legacy.yaml\n- dev/sub/deployment.yaml\n".utf8)
        let second = try layout.write(placement, previousStateFile: previous)
        #expect(second.deletions == ["dev/old.yaml", "dev/legacy.yaml"])

        let removal = try #require(try layout.removal(placement, stateFile: previous))
        #expect(removal == StateStoreUpdate(name: "wp", deletions: ["dev/configmap.yaml", "dev/old.yaml", "dev/legacy.yaml",
                                                                     "dev/sub/deployment.yaml", "dev/.kratix/default-wp.yaml"]))
        #expect(try layout.removal(placement, stateFile: nil) == nil)
    }

    @Test func flatModeAtTheStoreRootAndWithNoFiles() throws {
        let root = WorkPlacementLayout(destinationPath: ".", mode: .none)
        let update = try root.write(Self.placement("wp", files: [("SECURITY.md", "report\n")]))
        #expect(SchedFixtures.text(update.files[0].content) == "files:\n- SECURITY.md\n")
        #expect(root.stateFilePath(for: Self.placement()) == ".kratix/default-wp.yaml")
        let empty = try WorkPlacementLayout(destinationPath: "dev", mode: .none).write(Self.placement("wp", files: []))
        #expect(SchedFixtures.text(empty.files[0].content) == "files: []\n")
    }

    @Test(arguments: [
        ("", []), ("files: []\n", []), ("files:\n", []), ("{}\n", []),
        ("files:\n- a.yaml\n- 'b c.yaml'\n", ["a.yaml", "b c.yaml"]),
        ("files: [x, z]\n", ["x", "z"]),
    ])
    func readsStateFiles(_ text: String, _ files: [String]) throws {
        #expect(try WorkPlacementStateFile(decoding: Array(text.utf8), path: "p").files == files)
    }

    @Test(arguments: ["files: notalist\n", "- just\n- a list\n", "files: [1, {a: b}]\n", "files: [unclosed\n"])
    func rejectsBrokenStateFiles(_ text: String) {
        #expect(throws: SchedulingError.self) { try WorkPlacementStateFile(decoding: Array(text.utf8), path: "p") }
    }

    @Test func namingIsBitForBit() {
        #expect(WorkPlacementNaming.name(work: "redis-example-configure-1a2b3", destination: "worker-1", groupID: "5058f1af8388633f609cadb75a75dc9d")
            == "redis-example-configure-1a2b3.worker-1-5058f")
        #expect(WorkPlacementNaming.shortID("abc") == "abc")
    }
}
