import ChildProcesses
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How each container is started in namespaces of its own, from the strongest this machine allows:
///
/// - ``Mode/confined``: the runner is root and can make user namespaces. A container gets a mount
///   namespace and a PID namespace made by the host's root (so nothing inside can undo their
///   mounts), its volumes bind-mounted, a `/tmp`, `/var/tmp`, `/dev/shm` and home of its own, the
///   runner's work directory and the platform's data directory covered, and then runs in a user
///   namespace as its security context's user (root by default) mapped to an unprivileged host id
///   (``HostIDRange``): what a rootless container engine does, without an image of its own (it
///   sees the host's programs, which is what the image map points at).
/// - ``Mode/root``: root without user namespaces: a private mount namespace only, the container
///   runs as root on the host (what the runner did before confinement; logged as a fallback).
/// - ``Mode/userNamespace``: a runner that is not root: `unshare --user --map-root-user --mount`,
///   the container runs as the runner's own user on the host.
///
/// Mount points that do not exist are created (as empty directories, or empty files for file
/// volumes) on the host before mounting.
public struct MountNamespace: Sendable, Equatable {
    public enum Mode: Sendable, Equatable, CustomStringConvertible {
        case confined(HostIDRange)
        case root
        case userNamespace

        public var description: String {
            switch self {
            case .confined(let range): return "confined (user namespace, host ids \(range.first)+\(range.count))"
            case .root: return "root (mount namespace only)"
            case .userNamespace: return "userNamespace (the runner's user)"
            }
        }
    }

    public var mode: Mode
    var unshare: String
    var mount: String
    var mkdir: String
    var shell: String
    var setpriv: String?
    /// Why a stronger mode could not be used (logged by the runner at start); `nil` when nothing failed.
    public var fallbackReason: String?

    init(mode: Mode, unshare: String, mount: String, mkdir: String, shell: String, setpriv: String? = nil, fallbackReason: String? = nil) {
        self.mode = mode
        self.unshare = unshare
        self.mount = mount
        self.mkdir = mkdir
        self.shell = shell
        self.setpriv = setpriv
        self.fallbackReason = fallbackReason
    }

    var isConfined: Bool {
        if case .confined = mode { return true }
        return false
    }

    /// The command line that runs `script` (with `program` as its `"$@"`) in the new namespaces.
    func argv(script: String, program: [String]) -> [String] {
        var argv = [unshare]
        switch mode {
        case .confined:
            // A PID namespace: when its first process (the script's shell) dies, the kernel kills
            // every other process of the container, even those that left its process group.
            argv += ["--mount", "--propagation", "private", "--pid", "--fork", "--mount-proc"]
        case .root:
            argv += ["--mount", "--propagation", "private"]
        case .userNamespace:
            argv += ["--user", "--map-root-user", "--mount", "--propagation", "private"]
        }
        argv += [shell, "-c", script, "kratix-runner"]
        return argv + program
    }

    /// Finds the tools and checks which mode actually works here, so that a runner that cannot
    /// isolate containers says why at start instead of failing every pod.
    public static func detect(hostIDs: HostIDRange = .default) async throws(JobRunnerError) -> MountNamespace {
        func find(_ name: String) throws(JobRunnerError) -> String {
            guard let path = locate(name) else { throw .isolationUnavailable("\(name) was not found on PATH (it comes with util-linux)") }
            return path
        }
        let unshare = try find("unshare"), mount = try find("mount"), mkdir = try find("mkdir")
        let shell = FileManager.default.isExecutableFile(atPath: "/bin/sh") ? "/bin/sh" : try find("sh")
        var failures: [String] = []
        var modes: [Mode] = geteuid() == 0 ? [.confined(hostIDs), .root] : [.userNamespace]
        let setpriv = locate("setpriv")
        if setpriv == nil, geteuid() == 0 {
            modes.removeFirst()
            failures.append("confined: setpriv was not found on PATH (it comes with util-linux)")
        }
        for mode in modes {
            let candidate = MountNamespace(mode: mode, unshare: unshare, mount: mount, mkdir: mkdir, shell: shell, setpriv: setpriv)
            switch await Self.run(candidate.probe()) {
            case .success:
                var chosen = candidate
                chosen.fallbackReason = failures.isEmpty ? nil : failures.joined(separator: "; ")
                return chosen
            case .failure(let failure):
                failures.append("\(mode): \(failure.message)")
            }
        }
        throw .isolationUnavailable(
            "each container needs a private mount namespace; run the runner as root, or allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1 / user.max_user_namespaces). Tried: "
                + failures.joined(separator: "; "))
    }

    /// A command that does what every container start does in this mode, with nothing to run.
    private func probe() -> [String] {
        switch mode {
        case .confined(let range):
            let id = range.first
            let inner = [setpriv ?? "setpriv", "--reuid=\(id)", "--regid=\(id)", "--clear-groups", "--",
                         unshare, "--user", "--map-user=0", "--map-group=0", "--", shell, "-c", "exit 0"]
            return argv(script: "\(mount) --make-rprivate / 2>/dev/null; \(inner.map(MountScript.quote).joined(separator: " "))", program: [])
        case .root, .userNamespace:
            return argv(script: "\(mount) --make-rprivate / 2>/dev/null; exit 0", program: [])
        }
    }

    private static func locate(_ name: String) -> String? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/bin:/bin:/usr/sbin:/sbin"
        return ChildProcess.which(name, path: path)
    }

    private static func run(_ argv: [String]) async -> Result<Void, ProbeFailure> {
        do {
            let output = try await ChildProcess.run(argv[0], Array(argv.dropFirst()), environment: ["PATH": "/usr/bin:/bin:/usr/sbin:/sbin"],
                                                    timeout: .seconds(20), mergeOutput: true)
            if output.exitCode == 0 { return .success(()) }
            let text = output.stdoutText.trimmingWhitespace()
            return .failure(ProbeFailure(message: text.isEmpty ? "exit code \(output.exitCode)" : text))
        } catch {
            return .failure(ProbeFailure(message: "\(error)"))
        }
    }

    private struct ProbeFailure: Error { var message: String }
}
