import ChildProcesses
import Foundation
import KratixTestSupport
import Testing
@testable import KratixStateStore
#if canImport(Glibc)
import Glibc
#endif

/// A fresh directory under the system temporary directory, removed by `cleanup()`.
struct TempDir: Sendable {
    let path: String

    init(_ label: String = "kratix-statestore-test") {
        let base = (NSTemporaryDirectory() as NSString).appendingPathComponent("\(label)-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        path = base
    }

    func sub(_ name: String) -> String { "\(path)/\(name)" }

    func write(_ name: String, _ text: String, mode: Int = 0o644) throws {
        let p = sub(name)
        try FileManager.default.createDirectory(atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: p))
        chmod(p, mode_t(mode))
    }

    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}

struct ShellError: Error, CustomStringConvertible {
    var description: String
}

/// Starts a program with `posix_spawn` and reaps it with `waitpid`. Tests avoid Foundation's
/// `Process.waitUntilExit` on purpose: it needs a libdispatch thread to notice the exit, and with
/// two cores those threads can all be the test's own, blocked in that very wait (a deadlock).
/// Signals are reset to their defaults in the child, so SIGTERM works even if the runner ignores it.
func spawnProcess(_ executable: String, _ args: [String], env: [String: String] = [:], cwd: String? = nil,
                  stdoutFD: Int32, stderrFD: Int32) throws -> pid_t {
    let path = executable.hasPrefix("/") ? executable : (ChildProcess.which(executable) ?? executable)
    var environment = ProcessInfo.processInfo.environment
    environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
    environment["GIT_CONFIG_NOSYSTEM"] = "1"
    for (k, v) in env { environment[k] = v }
    // posix_spawn has no portable chdir action here, so a directory change goes through sh.
    let command = cwd.map { ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", $0, path] + args } ?? ([path] + args)
    do {
        return try ChildProcess.spawn(command, environment: environment, stdoutFD: stdoutFD, stderrFD: stderrFD).pid
    } catch {
        throw ShellError(description: "cannot start \(path): \(error)")
    }
}

func waitForExit(_ pid: pid_t) -> Int32 {
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
}

/// Runs a program (no shell) and returns stdout; throws with stderr when it fails. The waiting
/// happens off the cooperative pool (see `offPool`).
@discardableResult
func sh(_ executable: String, _ args: [String], cwd: String? = nil, env: [String: String] = [:]) async throws -> String {
    try await offPool { try shBlocking(executable, args, cwd: cwd, env: env) }
}

private func shBlocking(_ executable: String, _ args: [String], cwd: String?, env: [String: String]) throws -> String {
    let out = try ChildProcess.makeOutputChannel(), err = try ChildProcess.makeOutputChannel()
    let outPipe = [out.read, out.write], errPipe = [err.read, err.write]
    let pid: pid_t
    do {
        pid = try spawnProcess(executable, args, env: env, cwd: cwd, stdoutFD: outPipe[1], stderrFD: errPipe[1])
    } catch {
        [outPipe[0], outPipe[1], errPipe[0], errPipe[1]].forEach { close($0) }
        throw error
    }
    close(outPipe[1])
    close(errPipe[1])
    // Read stderr on another thread so neither pipe fills up and blocks the child.
    let errBox = DataBox()
    let errFD = errPipe[0]
    Thread.detachNewThread { errBox.set(FileHandle(fileDescriptor: errFD, closeOnDealloc: true).readDataToEndOfFile()) }
    let o = FileHandle(fileDescriptor: outPipe[0], closeOnDealloc: true).readDataToEndOfFile()
    let code = waitForExit(pid)
    while !errBox.done { usleep(1000) }
    guard code == 0 else {
        throw ShellError(description: "\(executable) \(args.joined(separator: " ")) exited \(code): \(String(decoding: errBox.get(), as: UTF8.self))")
    }
    return String(decoding: o, as: UTF8.self)
}

@discardableResult
func git(_ args: String..., cwd: String? = nil) async throws -> String {
    try await sh("git", args, cwd: cwd)
}

/// Thread-safe holder for one `Data` (test helper). `@unchecked Sendable`: guarded by the lock.
final class DataBox: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private var finished = false
    func set(_ d: Data) { lock.withLock { data = d; finished = true } }
    func get() -> Data { lock.withLock { data } }
    var done: Bool { lock.withLock { finished } }
}

/// A bare repository with one commit on `main`, and a helper to read it with plain `git`.
struct BareRepo {
    let dir: TempDir
    let path: String
    var url: String { "file://\(path)" }

    init(_ dir: TempDir, name: String = "remote.git", initialFiles: [String: String] = ["README.md": "hello\n"]) async throws {
        self.dir = dir
        path = dir.sub(name)
        try await git("init", "--quiet", "--bare", "--initial-branch=main", path)
        if !initialFiles.isEmpty {
            let seed = dir.sub("seed-\(UUID().uuidString.prefix(6))")
            try await git("init", "--quiet", "--initial-branch=main", seed)
            for (name, text) in initialFiles { try TempDir.writeFile("\(seed)/\(name)", text) }
            try await git("add", "-A", cwd: seed)
            try await git("-c", "user.name=seed", "-c", "user.email=seed@example.com", "commit", "--quiet", "-m", "seed", cwd: seed)
            try await git("push", "--quiet", path, "main", cwd: seed)
        }
    }

    /// File contents on a branch, read from the bare repository with `git show`.
    func show(_ file: String, branch: String = "main") async -> String? {
        try? await git("--git-dir", path, "show", "\(branch):\(file)")
    }

    func files(branch: String = "main") async throws -> [String] {
        try await git("--git-dir", path, "ls-tree", "-r", "--name-only", branch).split(separator: "\n").map(String.init)
    }

    func log(_ format: String = "%s", branch: String = "main") async throws -> [String] {
        try await git("--git-dir", path, "log", "--format=\(format)", branch).split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init).filter { !$0.isEmpty }
    }

    func head(branch: String = "main") async throws -> String {
        try await git("--git-dir", path, "rev-parse", branch).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

extension TempDir {
    static func writeFile(_ path: String, _ text: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }
}

/// A server process started by a test and stopped by the same test (by its pid).
final class ServerProcess: Sendable {
    let pid: pid_t
    let logPath: String

    init(_ executable: String, _ args: [String], env: [String: String] = [:], log: String) throws {
        logPath = log
        let fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        defer { close(fd) }
        pid = try spawnProcess(executable, args, env: env, stdoutFD: fd, stderrFD: fd)
    }

    var isRunning: Bool {
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) == 0
    }

    /// Waits until the port accepts connections (or the process dies).
    func waitForPort(_ port: Int, timeout: Double = 20) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if TestNetwork.portOpen(port) { return }
            if !isRunning { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ShellError(description: "server did not listen on \(port): \((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "")")
    }

    func stop() {
        kill(pid, SIGKILL)
        _ = waitForExit(pid)
    }
}
