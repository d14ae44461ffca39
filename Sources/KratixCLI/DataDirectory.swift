import Foundation

/// The platform's data directory (`--data-dir`): storage, the admin token, certificates, the Git
/// state store, the runner's pod directories. Only its owner may enter it (0700, also when it
/// already existed), so no other user of the machine, and no confined pipeline, reads a secret in it.
enum DataDirectory {
    static func prepare(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: path)
    }
}
