import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// How a process ended: its exit code, or 128 + the signal that killed it (as shells and kubelets report).
struct ExitStatus: Sendable, Equatable {
    var code: Int32
    var signal: Int32?
}

/// A process the runner started for a container, in a process group of its own so that stopping
/// the container reaches everything it started.
///
/// Started with `posix_spawn` rather than Foundation's `Process` (which needs a free libdispatch
/// thread to notice an exit and crashed when several were launched at once, see
/// `KratixStateStore/CommandRunner.swift`); stdin is `/dev/null`, stdout and stderr share one
/// descriptor (as a container log interleaves them), and signals are reset to their defaults.
final class ChildProcess: Sendable {
    let pid: pid_t
    /// Set (under the lock) just before the process is reaped: from then on its pid may belong to
    /// someone else and must not be signalled.
    private let reaped = Mutex(false)

    private init(pid: pid_t) {
        self.pid = pid
    }

    struct SpawnError: Error, CustomStringConvertible {
        var executable: String
        var code: Int32
        var description: String { "cannot start \(executable): \(String(cString: strerror(code)))" }
    }

    /// Starts `argv` with exactly `environment`, writing its output to `outputFD`.
    static func spawn(_ argv: [String], environment: [String: String], outputFD: Int32) throws(SpawnError) -> ChildProcess {
        guard let executable = argv.first else { throw SpawnError(executable: "", code: ENOENT) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outputFD, 1)
        posix_spawn_file_actions_adddup2(&actions, outputFD, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var all = sigset_t(), none = sigset_t()
        sigfillset(&all)
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))
        let cArgv: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.keys.sorted().map { strdup("\($0)=\(environment[$0] ?? "")") } + [nil]
        defer {
            cArgv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attributes, cArgv, envp)
        guard rc == 0 else { throw SpawnError(executable: executable, code: rc) }
        return ChildProcess(pid: pid)
    }

    /// A close-on-exec channel for the output, created atomically so that a process spawned at the
    /// same time for another container never inherits it (which would hold our end-of-file back).
    static func makeOutputChannel() throws(SpawnError) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else {
            throw SpawnError(executable: "socketpair", code: errno)
        }
        return (fds[0], fds[1])
    }

    /// Sends `signal` to the whole process group, unless the process has been reaped.
    func signalGroup(_ signal: Int32) {
        reaped.withLock { reaped in
            guard !reaped else { return }
            _ = kill(-pid, signal)
        }
    }

    /// SIGTERM now, SIGKILL after `gracePeriod` if it is still there: what the kubelet does.
    func terminate(gracePeriod: Duration) {
        signalGroup(SIGTERM)
        let seconds = Double(gracePeriod.components.seconds) + Double(gracePeriod.components.attoseconds) / 1e18
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [self] in
            signalGroup(SIGKILL)
        }
    }

    /// Waits for the process to exit (on a thread of its own: `waitid` blocks and must not hold a
    /// thread of the cooperative pool), kills whatever it left behind in its group, and reaps it.
    func wait() async -> ExitStatus {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { [self] in
                // Wait without reaping: the zombie keeps the pid and group id from being reused while
                // stragglers of the group are killed, as a container's processes die with it.
                var info = siginfo_t()
                while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) == -1 && errno == EINTR {}
                reaped.withLock { reaped in
                    _ = kill(-pid, SIGKILL)
                    reaped = true
                }
                var status: Int32 = 0
                while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
                let signal = status & 0x7f
                continuation.resume(returning: signal == 0
                    ? ExitStatus(code: (status >> 8) & 0xff, signal: nil)
                    : ExitStatus(code: 128 + signal, signal: signal))
            }
        }
    }
}
