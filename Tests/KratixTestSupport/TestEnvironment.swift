import Foundation

/// Where things are for tests, in one place for every test target: the repository, the shared
/// fixtures (`<repo>/../shared`, or `KRATIX_SHARED_DIR`), and the real tools tests drive.
public enum TestEnvironment {
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static var sharedDirectory: URL {
        if let override = ProcessInfo.processInfo.environment["KRATIX_SHARED_DIR"] {
            return URL(fileURLWithPath: override)
        }
        return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }

    public static var fixturesDirectory: URL { sharedDirectory.appendingPathComponent("fixtures") }

    /// kubectl 1.31, matching the version the embedded server reports, when the machine has
    /// versioned binaries: the `/usr/bin/kubectl` dispatcher falls back to 1.33 when its version probe
    /// is slow, and 1.33 sends protobuf for `kubectl create <kind>`, which the server does not read.
    public static var kubectl: String? {
        let pinned = "/usr/lib/google-cloud-sdk/bin/kubectl.1.31"
        if FileManager.default.isExecutableFile(atPath: pinned) { return pinned }
        return which("kubectl")
    }

    public static func which(_ program: String) -> String? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let path = "\(directory)/\(program)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }
}
