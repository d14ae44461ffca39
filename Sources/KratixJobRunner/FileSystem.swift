import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The few file operations the runner needs, with exact modes (not subject to the umask) and errors
/// that name the path.
enum FileSystem {
    struct Failure: Error, CustomStringConvertible {
        var operation: String
        var path: String
        var code: Int32

        var description: String { "\(operation) \(path): \(String(cString: strerror(code)))" }
    }

    enum Kind: Equatable {
        case directory, file, socket, characterDevice, blockDevice, other
    }

    /// What is at `path` (following symbolic links); `nil` when nothing is.
    static func kind(of path: String) -> Kind? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFREG: return .file
        case S_IFSOCK: return .socket
        case S_IFCHR: return .characterDevice
        case S_IFBLK: return .blockDevice
        default: return .other
        }
    }

    /// `mkdir -p`, then the mode (and owner, when given) on the last component.
    static func createDirectory(_ path: String, mode: mode_t, owner: UInt32? = nil) throws(Failure) {
        var prefix = ""
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += "/" + component
            if mkdir(prefix, 0o755) != 0, errno != EEXIST { throw Failure(operation: "mkdir", path: prefix, code: errno) }
        }
        guard kind(of: path) == .directory else { throw Failure(operation: "mkdir", path: path, code: ENOTDIR) }
        if chmod(path, mode) != 0 { throw Failure(operation: "chmod", path: path, code: errno) }
        if let owner, chown(path, owner, owner) != 0 { throw Failure(operation: "chown", path: path, code: errno) }
    }

    /// Creates or replaces a regular file (never following a symbolic link at `path`).
    /// `owner` (user and group id) is given to the file before anything is written into it.
    static func writeFile(_ path: String, _ bytes: [UInt8], mode: mode_t, owner: UInt32? = nil) throws(Failure) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else { throw Failure(operation: "open", path: path, code: errno) }
        defer { close(fd) }
        if let owner, fchown(fd, owner, owner) != 0 { throw Failure(operation: "chown", path: path, code: errno) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return write(fd, base + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw Failure(operation: "write", path: path, code: errno)
            }
            offset += written
        }
        if fchmod(fd, mode) != 0 { throw Failure(operation: "chmod", path: path, code: errno) }
    }

    /// Removes a tree the runner created (a pod directory). Symbolic links are removed, not followed.
    static func removeTree(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// A relative path that stays inside its directory (`a/b.txt`, not `../x` or `/etc`).
    static func isContainedRelativePath(_ path: String) -> Bool {
        guard !path.isEmpty, !path.hasPrefix("/") else { return false }
        return !path.split(separator: "/").contains("..")
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let parent = String(path[..<slash])
        return parent.isEmpty ? "/" : parent
    }
}
