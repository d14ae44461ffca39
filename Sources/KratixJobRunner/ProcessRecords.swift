import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// The container processes a runner has running, one file each in a directory that outlives the
/// runner, so that the next runner can kill what a dead one left behind before it runs anything
/// again (a pod's Terraform apply must never run twice at once).
///
/// A record names the container's first process (the leader of its process group and, when
/// confined, the parent of its PID namespace) and the runner that started it, each with its start
/// time, so a reused pid is never taken for either. Records of a runner that is still alive are
/// left alone: several runners may share the directory.
struct ProcessRecords: Sendable {
    /// A process as the kernel knows it: its pid and its start time (clock ticks after boot).
    struct ProcessID: Sendable, Equatable {
        var pid: pid_t
        var startTime: UInt64

        /// `nil` when there is no such process (any more).
        static func of(_ pid: pid_t) -> ProcessID? {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return nil }
            // Fields after the command name, which may itself contain spaces and parentheses:
            // state is field 3, starttime field 22.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 19, fields[0] != "Z", fields[0] != "X", let start = UInt64(fields[19]) else { return nil }
            return ProcessID(pid: pid, startTime: start)
        }

        var isAlive: Bool { Self.of(pid) == self }
    }

    let directory: String
    let runner: ProcessID?

    init(directory: String, runner: ProcessID? = ProcessID.of(getpid())) {
        self.directory = directory
        self.runner = runner
    }

    /// Records a container process just started.
    func add(_ pid: pid_t) {
        guard let runner, let process = ProcessID.of(pid) else { return }
        try? FileSystem.createDirectory(directory, mode: 0o700)
        let line = "\(runner.pid) \(runner.startTime) \(process.pid) \(process.startTime)\n"
        try? FileSystem.writeFile(path(pid), Array(line.utf8), mode: 0o600)
    }

    /// Forgets a container process that has been reaped.
    func remove(_ pid: pid_t) {
        unlink(path(pid))
    }

    private func path(_ pid: pid_t) -> String { "\(directory)/\(pid)" }

    /// Kills (SIGKILL, the whole process group) every recorded process whose runner is gone and
    /// waits until they are, up to `timeout`; returns the pids killed.
    @discardableResult
    func killLeftovers(timeout: Duration = .seconds(10), logger: Logger) async -> [pid_t] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var killed: [ProcessID] = []
        for name in names {
            let file = "\(directory)/\(name)"
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { continue }
            let numbers = text.split(whereSeparator: \.isWhitespace).compactMap { UInt64($0) }
            guard numbers.count == 4, let runnerPID = pid_t(exactly: numbers[0]), let pid = pid_t(exactly: numbers[2]) else {
                unlink(file)
                continue
            }
            let owner = ProcessID(pid: runnerPID, startTime: numbers[1])
            if owner != runner, owner.isAlive { continue }
            let process = ProcessID(pid: pid, startTime: numbers[3])
            if process.isAlive {
                logger.warning("killing a container process left running by a runner that is gone", metadata: [
                    "pid": "\(pid)", "runnerPID": "\(runnerPID)",
                ])
                kill(-pid, SIGKILL)
                kill(pid, SIGKILL)
                killed.append(process)
            }
            unlink(file)
        }
        let deadline = ContinuousClock.now + timeout
        while killed.contains(where: \.isAlive), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        for process in killed where process.isAlive {
            logger.error("a container process left by an earlier runner did not die", metadata: ["pid": "\(process.pid)"])
        }
        return killed.map(\.pid)
    }
}
