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

/// The `/bin/sh` prelude each container runs in its new mount namespace before `exec`ing its
/// program: create missing mount points, bind-mount the volumes (parents before children, so a
/// mount inside another volume lands in that volume), remount read-only ones, change to the working
/// directory. A failure prints a `kratix-runner:` line into the container's log and exits 128.
enum MountScript {
    static let failureExitCode: Int32 = 128

    static func render(mounts: [BindMount], workingDirectory: String, namespace: MountNamespace) -> String {
        let mkdir = quote(namespace.mkdir), mount = quote(namespace.mount)
        var lines = [
            "fail() { echo \"kratix-runner: $1\" >&2; exit \(failureExitCode); }",
        ]
        let ordered = mounts.enumerated().sorted { a, b in
            let depthA = a.element.target.split(separator: "/").count, depthB = b.element.target.split(separator: "/").count
            return depthA != depthB ? depthA < depthB : a.offset < b.offset
        }.map(\.element)
        for bind in ordered {
            let target = quote(bind.target), source = quote(bind.source)
            if bind.isFile {
                lines.append("[ -e \(target) ] || { \(mkdir) -p \(quote(FileSystem.parent(of: bind.target))) && : > \(target); } || fail \(quote("cannot create the mount point \(bind.target)"))")
            } else {
                lines.append("[ -e \(target) ] || \(mkdir) -p \(target) || fail \(quote("cannot create the mount point \(bind.target)"))")
            }
            lines.append("\(mount) --rbind \(source) \(target) || fail \(quote("cannot mount \(bind.source) at \(bind.target)"))")
            if bind.readOnly {
                lines.append("\(mount) -o remount,bind,ro \(target) || fail \(quote("cannot make \(bind.target) read-only"))")
            }
        }
        let directory = quote(workingDirectory)
        lines.append("[ -d \(directory) ] || \(mkdir) -p \(directory) || fail \(quote("cannot create the working directory \(workingDirectory)"))")
        lines.append("cd \(directory) || fail \(quote("cannot change to the working directory \(workingDirectory)"))")
        lines.append("exec \"$@\"")
        return lines.joined(separator: "\n")
    }

    /// Single-quoted for `sh`: nothing inside is special except the quote itself.
    static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
