import Foundation
import Testing
@testable import KratixStateStore
#if canImport(Glibc)
import Glibc
#endif

/// Several writers in two processes, and a writer killed between commit and push.
///
/// The second process is this same test binary run again with `--filter childWriterProcess` and
/// its instructions in the environment (the package has no test-only executable, and this keeps
/// the real `GitWriter` on both sides).
@Suite("Git writers racing, and crash safety", .serialized)
struct GitConcurrencyTests {
    static let childEnvironment = "KRATIX_STATESTORE_CHILD"

    /// Runs only inside the child process started by the tests below.
    @Test(.enabled(if: ProcessInfo.processInfo.environment[GitConcurrencyTests.childEnvironment] != nil))
    func childWriterProcess() async throws {
        let env = ProcessInfo.processInfo.environment
        let url = env["CHILD_URL"]!, cache = env["CHILD_CACHE"]!
        switch env[GitConcurrencyTests.childEnvironment] {
        case "race":
            try await GitConcurrencyTests.race(url: url, cache: cache, writerNames: ["c0", "c1"], perWriter: Int(env["CHILD_COUNT"]!)!)
        case "crash":
            var config = GitWriterConfiguration(url: url, cacheDirectory: cache)
            config.phaseObserver = { phase in
                // Die the hard way right after the local commit, before any push.
                if case .committed = phase { kill(getpid(), SIGKILL) }
            }
            let w = try await GitWriter(config)
            _ = try await w.update(StateStoreUpdate(name: "crashed-wp", directory: "crash", files: [StateStoreFile(path: "crashed.yaml", text: "c\n")]))
            Issue.record("the child should have been killed before the push")
        default:
            break
        }
    }

    /// Two writers per process: one submits its changes all at once through the batcher, the
    /// other writes them one by one without batching. Each writer has its own clone.
    static func race(url: String, cache: String, writerNames: [String], perWriter: Int) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (n, name) in writerNames.enumerated() {
                let batching = n % 2 == 0
                let w = try await GitWriter(GitWriterConfiguration(
                    url: url, cacheDirectory: "\(cache)/\(name)", groupCommit: batching, batchWindow: batching ? .milliseconds(30) : .zero,
                    pushAttempts: 40))
                func change(_ i: Int) -> StateStoreUpdate {
                    StateStoreUpdate(name: "\(name)-\(i)", directory: "changes/\(name)/\(i)", replaceDirectory: true,
                                     files: [StateStoreFile(path: "f.yaml", text: "\(name) \(i)\n")])
                }
                if batching {
                    for i in 0..<perWriter { group.addTask { _ = try await w.update(change(i)) } }
                } else {
                    group.addTask { for i in 0..<perWriter { _ = try await w.update(change(i)) } }
                }
            }
            try await group.waitForAll()
        }
    }

    static var testBinary: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    static func startChild(mode: String, env: [String: String], log: String) throws -> pid_t {
        let fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        defer { close(fd) }
        var all = env
        all[childEnvironment] = mode
        return try spawnProcess(testBinary, ["--testing-library", "swift-testing", "--filter", "childWriterProcess"],
                                env: all, stdoutFD: fd, stderrFD: fd)
    }

    @Test func fourWritersInTwoProcessesPush200Changes() async throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let remote = try await BareRepo(tmp)
        // Any forced (non-fast-forward) update would be refused by the server and fail a writer.
        try await git("--git-dir", remote.path, "config", "receive.denyNonFastForwards", "true")
        try await git("--git-dir", remote.path, "config", "receive.denyDeletes", "true")
        let perWriter = 50
        let child = try GitConcurrencyTests.startChild(mode: "race", env: ["CHILD_URL": remote.url, "CHILD_CACHE": tmp.sub("child"),
                                                                           "CHILD_COUNT": String(perWriter)], log: tmp.sub("child.log"))
        try await GitConcurrencyTests.race(url: remote.url, cache: tmp.sub("parent"), writerNames: ["p0", "p1"], perWriter: perWriter)
        let status = await Task.detached { waitForExit(child) }.value
        #expect(status == 0, "child: \((try? String(contentsOfFile: tmp.sub("child.log"), encoding: .utf8)) ?? "")")

        let files = Set(try await remote.files())
        for name in ["p0", "p1", "c0", "c1"] {
            for i in 0..<perWriter {
                #expect(files.contains("changes/\(name)/\(i)/f.yaml"), "missing \(name) \(i)")
            }
        }
        #expect(files.count == 4 * perWriter + 1)
        // Linear: no merge commits, one parent per commit down to the seed.
        #expect(try await git("--git-dir", remote.path, "rev-list", "--merges", "--count", "main").trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        let subjects = Set(try await remote.log("%s%n%b"))
        let missing = ["p1", "c1"].flatMap { name in (0..<perWriter).map { "Update from: \(name)-\($0)" } }.filter { !subjects.contains($0) }
        // The unbatched writers make one commit per change, with upstream's message.
        #expect(missing.isEmpty, "commits missing: \(missing)")
    }

    @Test func killedBetweenCommitAndPushLosesNothing() async throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let remote = try await BareRepo(tmp)
        let cache = tmp.sub("cache")
        let child = try GitConcurrencyTests.startChild(mode: "crash", env: ["CHILD_URL": remote.url, "CHILD_CACHE": cache], log: tmp.sub("child.log"))
        let status = await Task.detached { waitForExit(child) }.value
        #expect(status == 128 + SIGKILL, "the child must die by SIGKILL: \((try? String(contentsOfFile: tmp.sub("child.log"), encoding: .utf8)) ?? "")")
        #expect(await remote.show("crash/crashed.yaml") == nil, "not pushed yet")

        // The restarted writer (same cache directory) pushes the crashed commit with its own.
        let w = try await GitWriter(GitWriterConfiguration(url: remote.url, cacheDirectory: cache))
        let r = try await w.update(StateStoreUpdate(name: "next-wp", directory: "next", files: [StateStoreFile(path: "next.yaml", text: "n\n")]))
        #expect(r.changed)
        #expect(await remote.show("crash/crashed.yaml") == "c\n")
        #expect(await remote.show("next/next.yaml") == "n\n")
        #expect(try await remote.log() == ["Update from: next-wp", "Update from: crashed-wp", "seed"])
        // Nothing left to replay.
        let pending = try FileManager.default.contentsOfDirectory(atPath: GitRepositoryRegistry.cloneRoot(for: w.configuration) + "/pending")
        #expect(pending.isEmpty)
    }
}
