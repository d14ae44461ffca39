import ChildProcesses
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How each container gets a private mount namespace in which its volumes are bind-mounted at
/// their `mountPath`s: `unshare --mount --propagation private` as root, or inside a new user
/// namespace (`--user --map-root-user`) when the runner is not root but the kernel allows that.
///
/// The namespace only adds mounts over the host's filesystem, so a container sees the host's
/// programs (which is what the image map points at) and its own volumes. Mount points that do not
/// exist are created as empty directories (or empty files, for file volumes) on the host before
/// mounting; the runner never writes anything into them outside a container's namespace.
public struct MountNamespace: Sendable, Equatable {
    public enum Mode: Sendable, Equatable {
        case root
        case userNamespace
    }

    public var mode: Mode
    var unshare: String
    var mount: String
    var mkdir: String
    var shell: String

    /// The command line that runs `script` (with `program` as its `"$@"`) in a new mount namespace.
    func argv(script: String, program: [String]) -> [String] {
        var argv = [unshare]
        if mode == .userNamespace { argv += ["--user", "--map-root-user"] }
        argv += ["--mount", "--propagation", "private", shell, "-c", script, "kratix-runner"]
        return argv + program
    }

    /// Finds the tools and checks that a namespace can actually be created here, so that a runner
    /// that cannot isolate containers says why at start instead of failing every pod.
    public static func detect() async throws(JobRunnerError) -> MountNamespace {
        func find(_ name: String) throws(JobRunnerError) -> String {
            let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/bin:/bin:/usr/sbin:/sbin"
            for directory in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
                return "\(directory)/\(name)"
            }
            throw .isolationUnavailable("\(name) was not found on PATH (it comes with util-linux)")
        }
        let unshare = try find("unshare"), mount = try find("mount"), mkdir = try find("mkdir")
        let shell = FileManager.default.isExecutableFile(atPath: "/bin/sh") ? "/bin/sh" : try find("sh")
        var failures: [String] = []
        let modes: [Mode] = geteuid() == 0 ? [.root, .userNamespace] : [.userNamespace]
        for mode in modes {
            let candidate = MountNamespace(mode: mode, unshare: unshare, mount: mount, mkdir: mkdir, shell: shell)
            let probe = candidate.argv(script: "\(mount) --make-rprivate / 2>/dev/null; exit 0", program: [])
            switch await Self.run(probe) {
            case .success: return candidate
            case .failure(let message): failures.append("\(mode == .root ? "unshare --mount" : "unshare --user --map-root-user --mount"): \(message)")
            }
        }
        throw .isolationUnavailable(
            "each container needs a private mount namespace; run the runner as root, or allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1 / user.max_user_namespaces). Tried: "
                + failures.joined(separator: "; "))
    }

    private static func run(_ argv: [String]) async -> Result<Void, ProbeFailure> {
        do {
            let channel = try ChildProcess.makeOutputChannel()
            let process: ChildProcess
            do {
                process = try ChildProcess.spawn(argv, environment: ["PATH": "/usr/bin:/bin:/usr/sbin:/sbin"],
                                                 stdoutFD: channel.write, stderrFD: channel.write, ownProcessGroup: true)
            } catch {
                close(channel.read)
                close(channel.write)
                return .failure(ProbeFailure(message: "\(error)"))
            }
            close(channel.write)
            let reader = OutputReader(fd: channel.read)
            var output: [UInt8] = []
            async let status = process.wait()
            while let batch = await reader.handoff.next() { output += batch }
            let exit = await status
            if exit.code == 0 { return .success(()) }
            let text = String(decoding: output, as: UTF8.self).trimmingWhitespace()
            return .failure(ProbeFailure(message: text.isEmpty ? "exit code \(exit.code)" : text))
        } catch {
            return .failure(ProbeFailure(message: "\(error)"))
        }
    }

    private struct ProbeFailure: Error { var message: String }
}
