import KubeClient
import Foundation
import KubeModel
import Synchronization
import Testing

@testable import KratixJobRunner

/// Container output collected in memory, by container.
final class MemoryLogSink: ContainerLogSink {
    private let logs = Mutex<[String: [UInt8]]>([:])

    func append(_ bytes: [UInt8], pod: PodIdentity, container: String) async {
        logs.withLock { $0["\(pod.name)/\(container)", default: []] += bytes }
    }

    func text(_ pod: String, _ container: String) -> String {
        logs.withLock { String(decoding: $0["\(pod)/\(container)"] ?? [], as: UTF8.self) }
    }
}

/// Every status the executor reported, in order.
final class StatusRecorder: PodStatusReporter {
    private let reports = Mutex<[PodStatus]>([])

    func report(_ status: PodStatus, pod: PodIdentity) async {
        reports.withLock { $0.append(status) }
    }

    var all: [PodStatus] { reports.withLock { $0 } }
}

/// Secrets, ConfigMaps and a fixed token, without an API server.
struct StaticDataSource: PodDataSource {
    var secrets: [String: [String: String]] = [:]
    var configMaps: [String: [String: String]] = [:]
    var token = "test-token-not-secret"

    func secret(namespace: String, name: String) async throws -> [String: [UInt8]]? {
        secrets[name].map { $0.mapValues { Array($0.utf8) } }
    }

    func configMap(namespace: String, name: String) async throws -> [String: [UInt8]]? {
        configMaps[name].map { $0.mapValues { Array($0.utf8) } }
    }

    func serviceAccountToken(namespace: String, serviceAccount: String, audiences: [String], expirationSeconds: Int64) async throws -> String {
        token
    }
}

enum Fixtures {
    /// One detection for the whole test run.
    static let mountNamespace = Task { try await MountNamespace.detect() }

    static func temporaryDirectory(_ label: String = "test") throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kratix-runner-\(label)-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// An image map where `test/shell` is `/bin/sh` (so `args: ["-c", …]` runs a script).
    static func imageMap(in directory: String, extra: String = "") throws -> String {
        let path = directory + "/images.yaml"
        try """
            images:
              - image: test/shell
                command: ["/bin/sh"]
            \(extra)
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func executor(
        directory: String, dataSource: StaticDataSource = StaticDataSource(), apiServer: APIServerEndpoint? = nil,
        extraImages: String = "", sink: MemoryLogSink = MemoryLogSink(), hiddenPaths: [String] = []
    ) async throws -> PodExecutor {
        let images = ImageCatalog(configuration: .init(mapPath: try imageMap(in: directory, extra: extraImages), kratixExecutable: "/bin/true"))
        return PodExecutor(
            configuration: .init(
                workDirectory: directory + "/pods", apiServer: apiServer, maximumGracePeriod: .seconds(5),
                restartBackoff: Backoff(initial: .milliseconds(100), maximum: .milliseconds(400)), hiddenPaths: hiddenPaths),
            images: images, mountNamespace: try await mountNamespace.value, dataSource: dataSource, logSink: sink)
    }

    /// A Pod object from the YAML of its spec.
    static func pod(_ name: String, namespace: String = "default", labels: [String: String] = [:], spec: String) throws -> KubeObject {
        var object = KubeObject(apiVersion: "v1", kind: "Pod", name: name, namespace: namespace)
        object.json["metadata"]?["uid"] = .string(UUID().uuidString.lowercased())
        object.labels = labels
        object.spec = try YAMLReader.singleDocument(in: spec)
        return object
    }

    /// A shell-quoted YAML flow string.
    static func yamlString(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

/// Polls `condition` until it holds or `timeout` passes.
func eventually(timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(100))
    }
    return try await condition()
}

/// The host's live (not zombie) processes whose command line contains `marker`. A confined
/// container has a PID namespace of its own, so the pid it sees (`$$`) is not the host's; a test
/// finds its processes by a word of their command line instead (every process of the container,
/// from `unshare` to the program, carries the program's arguments).
func hostProcesses(containing marker: String) -> [Int32] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap(Int32.init).filter { pid in
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")"),
              stat[stat.index(after: close)...].split(separator: " ").first != "Z",
              let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
        return String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self).contains(marker)
    }
}

/// A word no other test's process carries.
func uniqueMarker(_ label: String) -> String {
    "marker-\(label)-\(UUID().uuidString.prefix(8).lowercased())"
}

extension Fixtures {
    /// A host directory for a `hostPath` volume the pod writes to. A confined container is an
    /// unprivileged host user, so it writes only where the host's permissions let anyone write.
    static func writableHostDirectory(_ path: String) throws -> String {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: path)
        return path
    }
}
