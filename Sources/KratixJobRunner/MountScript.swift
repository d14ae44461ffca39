import Foundation
/// One bind mount inside a container's mount namespace.
struct BindMount: Sendable, Equatable {
    /// On the host: a volume directory (or a file or directory inside it, for `subPath`).
    var source: String
    /// The container's `mountPath`.
    var target: String
    var readOnly: Bool
    /// The source is a file, so the mount point must be a file too.
    var isFile: Bool
}

/// What one container sees, beyond the host's filesystem: its volumes, and when confined the
/// directories of its own over the host's shared ones, the paths it must not see, and its user.
struct ContainerView: Sendable, Equatable {
    var mounts: [BindMount]
    var workingDirectory: String
    /// The pod's own directories mounted over the host's `/tmp`, `/var/tmp`, `/dev/shm` and home
    /// (confined mode): writes there stay the pod's, as in a container's own filesystem.
    var privateDirectories: [BindMount] = []
    /// Covered by an empty read-only file system (the runner's work directory, the platform's data).
    var hiddenPaths: [String] = []
    /// Who the program runs as (confined mode); `nil` runs it as the namespace's creator.
    var user: ContainerUser?
    /// Whether descriptor 3 is the ``ContainerLifeline``.
    var watchesLifeline = false
}

/// The `/bin/sh` prelude each container runs in its new namespaces before its program: a watcher
/// on the runner's lifeline, the mount points, the volumes bind-mounted (parents before children,
/// so a mount inside another volume lands in that volume), read-only remounts, the private
/// directories and covered paths, the working directory, then the program — as the container's
/// user in a user namespace when confined. A failure prints a `kratix-runner:` line into the
/// container's log and exits 128.
enum MountScript {
    static let failureExitCode: Int32 = 128

    static func render(_ view: ContainerView, namespace: MountNamespace) -> String {
        let mkdir = quote(namespace.mkdir), mount = quote(namespace.mount)
        var lines = [
            "fail() { echo \"kratix-runner: $1\" >&2; exit \(failureExitCode); }",
        ]
        if view.watchesLifeline {
            // The runner died (its end of descriptor 3 closed): kill the container. Inside a PID
            // namespace every process but its first; without one, the container's process group.
            let victims = namespace.isConfined ? "-1" : "0"
            lines.append("{ read -r _ <&3; kill -KILL \(victims); } </dev/null >/dev/null 2>&1 &")
            lines.append("exec 3<&-")
        }
        let binds = order(view.mounts + view.privateDirectories, privateDirectories: view.privateDirectories)
        for bind in binds {
            let target = quote(bind.mountPoint), source = quote(bind.mount.source)
            if bind.mount.isFile {
                lines.append("[ -e \(target) ] || { \(mkdir) -p \(quote(FileSystem.parent(of: bind.mountPoint))) && : > \(target); } || fail \(quote("cannot create the mount point \(bind.mount.target)"))")
            } else {
                lines.append("[ -e \(target) ] || \(mkdir) -p \(target) || fail \(quote("cannot create the mount point \(bind.mount.target)"))")
            }
            lines.append("\(mount) --rbind \(source) \(target) || fail \(quote("cannot mount \(bind.mount.source) at \(bind.mount.target)"))")
        }
        // Read-only remounts where the container sees the volume (a remapped mount is visible at
        // its target once the private directory holding it is in place).
        for bind in binds where bind.mount.readOnly {
            lines.append("\(mount) -o remount,bind,ro \(quote(bind.mount.target)) || fail \(quote("cannot make \(bind.mount.target) read-only"))")
        }
        let targets = (view.mounts + view.privateDirectories).map(\.target)
        for hidden in view.hiddenPaths where !targets.contains(where: { isSameOrBelow($0, hidden) || isSameOrBelow(hidden, $0) }) {
            let path = quote(hidden)
            lines.append("[ ! -d \(path) ] || \(mount) -t tmpfs -o ro,mode=000,size=4k kratix-hidden \(path) || fail \(quote("cannot cover \(hidden)"))")
        }
        let directory = quote(view.workingDirectory)
        // A working directory the runner creates in the pod's own /tmp or home belongs to the
        // container's user, as a container runtime makes one an image lacks for its root. (One
        // elsewhere is made on the host's filesystem: it stays root's, so not writable.)
        let inPrivate = view.privateDirectories.contains { view.workingDirectory != $0.target && isSameOrBelow(view.workingDirectory, $0.target) }
        let owner = view.user.flatMap { inPrivate ? " && chown \($0.hostUID):\($0.hostGID) \(directory)" : nil } ?? ""
        lines.append("[ -d \(directory) ] || { \(mkdir) -p \(directory)\(owner); } || fail \(quote("cannot create the working directory \(view.workingDirectory)"))")
        if let user = view.user, let setpriv = namespace.setpriv {
            // The host's root made the mount and PID namespaces (nothing inside can unmount what
            // covers the host); the program runs in a user namespace of an unprivileged host id.
            let enter = [
                setpriv, "--reuid=\(user.hostUID)", "--regid=\(user.hostGID)", "--clear-groups", "--",
                namespace.unshare, "--user", "--map-user=\(user.insideUID)", "--map-group=\(user.insideGID)", "--",
                namespace.shell, "-c",
                "cd \"$0\" || { echo \"kratix-runner: cannot change to the working directory $0\" >&2; exit \(failureExitCode); }; exec \"$@\"",
                view.workingDirectory,
            ].map(quote).joined(separator: " ")
            // This shell is the PID namespace's first process: it waits, and its end ends the container.
            lines.append("\(enter) \"$@\"")
            lines.append("exit $?")
        } else {
            lines.append("cd \(directory) || fail \(quote("cannot change to the working directory \(view.workingDirectory)"))")
            lines.append("exec \"$@\"")
        }
        return lines.joined(separator: "\n")
    }

    /// A bind and where it is mounted in the script: its target, or for a target inside one of the
    /// private directories, the same place in that directory's host source (mounted there first, it
    /// comes along when the directory is bound recursively over its target).
    struct PlacedBind: Equatable {
        var mount: BindMount
        var mountPoint: String
    }

    static func order(_ binds: [BindMount], privateDirectories: [BindMount]) -> [PlacedBind] {
        let placed = binds.map { bind in
            let holder = privateDirectories
                .filter { $0 != bind && isSameOrBelow(bind.target, $0.target) && bind.target != $0.target }
                .max { $0.target.count < $1.target.count }
            guard let holder else { return PlacedBind(mount: bind, mountPoint: bind.target) }
            return PlacedBind(mount: bind, mountPoint: holder.source + bind.target.dropFirst(holder.target.count))
        }
        // A mount point that holds other binds' sources (the private /tmp over a work directory in
        // /tmp) goes after them: they would not be found once it is covered. Then parents before children.
        return placed.enumerated().sorted { a, b in
            func key(_ item: (offset: Int, element: PlacedBind)) -> (Int, Int, Int) {
                let covers = placed.filter { $0 != item.element && isSameOrBelow($0.mount.source, item.element.mountPoint) }.count
                return (covers, item.element.mountPoint.split(separator: "/").count, item.offset)
            }
            return key(a) < key(b)
        }.map(\.element)
    }

    /// Whether `path` is `ancestor` or inside it.
    static func isSameOrBelow(_ path: String, _ ancestor: String) -> Bool {
        if ancestor == "/" { return true }
        return path == ancestor || path.hasPrefix(ancestor.hasSuffix("/") ? ancestor : ancestor + "/")
    }

    /// Single-quoted for `sh`: nothing inside is special except the quote itself.
    static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
