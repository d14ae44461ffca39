import CSpawn
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// How a process ended: its exit code, or 128 + the signal that killed it (as shells and kubelets
/// report).
public struct ExitStatus: Sendable, Equatable {
    public var code: Int32
    public var signal: Int32?

    public init(code: Int32, signal: Int32? = nil) {
        self.code = code
        self.signal = signal
    }
}

/// A process this one started: the package's one way to start and wait for a child (git, exec
/// credential plugins, terraform, a pod's containers).
///
/// Started with `posix_spawn`, not Foundation's `Process`: on Linux `Process.run()` crashed (a bad
/// pointer in memmove) when several were launched at once, and `waitUntilExit` needs a free
/// libdispatch thread to notice an exit. (swift-subprocess was tried for this seam and dropped: it
/// cannot wait without reaping, which killing a container's stragglers by process group needs.)
/// stdin is `/dev/null`; signals are reset to their defaults and unblocked in the child, so a
/// SIGTERM this process ignores still stops it. Blocking waits run on threads of their own (see
/// the concurrency rule in `docs/ARCHITECTURE.md`).
public final class ChildProcess: Sendable {
    public let pid: pid_t
    /// Whether the child leads a process group of its own (a container: stopping it stops
    /// everything it started).
    public let ownsProcessGroup: Bool
    /// Set (under the lock) just before the process is reaped: from then on its pid may belong to
    /// someone else and must not be signalled.
    private let reaped = Mutex(false)

    private init(pid: pid_t, ownsProcessGroup: Bool) {
        self.pid = pid
        self.ownsProcessGroup = ownsProcessGroup
    }

    /// Why a process could not be started.
    public struct SpawnError: Error, CustomStringConvertible {
        public var executable: String
        public var code: Int32
        public var description: String { "cannot start \(executable): \(String(cString: strerror(code)))" }
    }

    /// Starts `argv` (the first element an absolute path) with exactly `environment`, its stdout and
    /// stderr on the given descriptors (the same one to interleave them, as a container log does),
    /// stdin from `stdinFD` or `/dev/null`, in `workingDirectory` or this process's. `inheritedFD`
    /// becomes the child's descriptor 3 (a pod's lifeline: see `ContainerLifeline` in the runner);
    /// nothing else crosses over.
    public static func spawn(_ argv: [String], environment: [String: String], stdoutFD: Int32, stderrFD: Int32,
                             stdinFD: Int32? = nil, workingDirectory: String? = nil,
                             ownProcessGroup: Bool = false, inheritedFD: Int32? = nil) throws(SpawnError) -> ChildProcess {
        guard let executable = argv.first else { throw SpawnError(executable: "", code: ENOENT) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let workingDirectory { kratix_spawn_file_actions_addchdir(&actions, workingDirectory) }
        if let stdinFD {
            posix_spawn_file_actions_adddup2(&actions, stdinFD, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, stdoutFD, 1)
        posix_spawn_file_actions_adddup2(&actions, stderrFD, 2)
        // Nothing else crosses into the child: a descriptor another thread opened without
        // close-on-exec at this moment (a file being written, then executed) would otherwise stay
        // open in the child for its whole life ("Text file busy" for whoever executes that file).
        if let inheritedFD {
            posix_spawn_file_actions_adddup2(&actions, inheritedFD, 3)
            kratix_spawn_file_actions_addclosefrom(&actions, 4)
        } else {
            kratix_spawn_file_actions_addclosefrom(&actions, 3)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var all = sigset_t(), none = sigset_t()
        sigfillset(&all)
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        var flags = Int32(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)
        if ownProcessGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        let cArgv: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.keys.sorted().map { strdup("\($0)=\(environment[$0] ?? "")") } + [nil]
        defer {
            cArgv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attributes, cArgv, envp)
        guard rc == 0 else { throw SpawnError(executable: executable, code: rc) }
        return ChildProcess(pid: pid, ownsProcessGroup: ownProcessGroup)
    }

    /// A close-on-exec channel for a child's output, created atomically so that a process spawned
    /// at the same moment by another task never inherits it (which would hold our end-of-file back
    /// until that process exits). `pipe2` is not exported to Swift here; `socketpair` takes the flag.
    public static func makeOutputChannel() throws(SpawnError) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else {
            throw SpawnError(executable: "socketpair", code: errno)
        }
        return (fds[0], fds[1])
    }

    /// Sends `signal` to the process (its whole group when it owns one), unless it has been
    /// reaped; returns whether it was sent.
    @discardableResult
    public func signal(_ signal: Int32) -> Bool {
        reaped.withLock { reaped in
            guard !reaped else { return false }
            return kill(ownsProcessGroup ? -pid : pid, signal) == 0
        }
    }

    /// SIGTERM now, SIGKILL after `gracePeriod` if it is still there: what the kubelet does.
    public func terminate(gracePeriod: Duration) {
        signal(SIGTERM)
        let seconds = Double(gracePeriod.components.seconds) + Double(gracePeriod.components.attoseconds) / 1e18
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [self] in
            signal(SIGKILL)
        }
    }

    /// Waits for the process to exit on a thread of its own (`waitid` blocks and must not hold a
    /// thread of the cooperative pool), kills whatever it left behind in its group, and reaps it.
    public func wait() async -> ExitStatus {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { [self] in
                // Wait without reaping: the zombie keeps the pid and group id from being reused
                // while stragglers of the group are killed, as a container's processes die with it.
                var info = siginfo_t()
                while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) == -1 && errno == EINTR {}
                reaped.withLock { reaped in
                    if ownsProcessGroup { _ = kill(-pid, SIGKILL) }
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
