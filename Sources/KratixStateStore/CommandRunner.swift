import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The outcome of one finished command.
struct CommandOutput: Sendable {
    var exitCode: Int32
    var stdout: [UInt8]
    var stderr: [UInt8]
    var timedOut: Bool

    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}

/// Runs an external program without a shell, so arguments are never re-parsed and nothing secret
/// needs to appear in them (credentials travel in the environment only).
///
/// It uses `posix_spawn` and `waitpid` directly rather than Foundation's `Process`: on Linux,
/// `Process.run()` crashed (a bad pointer in memmove) when several writers launched `git` at
/// once, and `waitUntilExit` needs a free libdispatch thread to notice an exit. Signals are reset
/// to their defaults in the child, so a SIGTERM the parent ignores still stops it.
enum CommandRunner {
    /// Runs `executable` with `arguments` (no working-directory change: git takes `-C`); kills it
    /// after `timeout` seconds.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String],
                    timeout: Double) async throws -> CommandOutput {
        var outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1]
        guard makeChannel(&outPipe) else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        guard makeChannel(&errPipe) else {
            close(outPipe[0]); close(outPipe[1])
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        let pid: pid_t
        do {
            pid = try spawn([executable] + arguments, environment: environment, stdoutFD: outPipe[1], stderrFD: errPipe[1])
        } catch {
            close(outPipe[0]); close(outPipe[1]); close(errPipe[0]); close(errPipe[1])
            throw error
        }
        close(outPipe[1])
        close(errPipe[1])
        let state = ChildState()
        let child = pid
        let watchdog = Task {
            try await Task.sleep(for: .seconds(timeout))
            state.killIfRunning(child)
        }
        async let stdout = readAll(outPipe[0])
        async let stderr = readAll(errPipe[0])
        let status = await reap(child, state: state)
        let (o, e) = await (stdout, stderr)
        watchdog.cancel()
        return CommandOutput(exitCode: status, stdout: o, stderr: e, timedOut: state.timedOut)
    }

    /// Starts `argv` with stdin from /dev/null and the given output descriptors, signals reset to
    /// their defaults and unblocked in the child. Shared with the tests that start servers.
    static func spawn(_ argv: [String], environment: [String: String], stdoutFD: Int32, stderrFD: Int32) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutFD, 1)
        posix_spawn_file_actions_adddup2(&actions, stderrFD, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var all = sigset_t(), none = sigset_t()
        sigfillset(&all)
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let cArgv: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { cArgv.forEach { free($0) }; envp.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &actions, &attributes, cArgv, envp)
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EIO) }
        return pid
    }

    /// A close-on-exec channel for a child's output, created atomically so that a process spawned
    /// concurrently by another writer never inherits it (which would delay our end-of-file until
    /// that process exits). `pipe2` is not exported to Swift here; `socketpair` takes the flag.
    static func makeChannel(_ fds: inout [Int32]) -> Bool {
        socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0
    }

    /// Reads a pipe to its end on a thread of its own: the read blocks, and must not hold up the
    /// cooperative pool.
    private static func readAll(_ fd: Int32) async -> [UInt8] {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var data: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 65536)
                while true {
                    let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, 65536) }
                    if n > 0 { data += buffer[0 ..< n]; continue }
                    if n < 0 && errno == EINTR { continue }
                    break
                }
                close(fd)
                continuation.resume(returning: data)
            }
        }
    }

    /// Waits for the child on a dedicated thread; returns its exit code (128 + signal if killed).
    private static func reap(_ pid: pid_t, state: ChildState) async -> Int32 {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var status: Int32 = 0
                while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
                state.markExited()
                let signal = status & 0x7f
                continuation.resume(returning: signal == 0 ? (status >> 8) & 0xff : 128 + signal)
            }
        }
    }

    /// The first executable called `name` on `PATH`.
    static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// Whether the child has been reaped (so its pid may be reused and must not be signalled) and
/// whether the watchdog killed it.
private final class ChildState: Sendable {
    private struct Flags { var exited = false; var timedOut = false }
    private let flags = Mutex(Flags())

    func markExited() { flags.withLock { $0.exited = true } }

    func killIfRunning(_ pid: pid_t) {
        flags.withLock { f in
            guard !f.exited else { return }
            f.timedOut = true
            // SIGKILL: git holds no state a clean exit would save, and it cannot be ignored.
            kill(pid, SIGKILL)
        }
    }

    var timedOut: Bool { flags.withLock { $0.timedOut } }
}
