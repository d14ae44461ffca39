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

    /// The tools `scripts/install-deps test` installs (`make test` runs it): the Python peers'
    /// `python3` and `moto_server` in `bin/`, Terraform 1.0.3 in `terraform/`.
    public static let toolsDirectory = repositoryRoot.appendingPathComponent(".build/tools").path

    /// Terraform 1.0.3 as `scripts/install-deps test` installs it (`$KRATIX_TERRAFORM`, which `make
    /// test` sets, else its place under ``toolsDirectory``): never the first `terraform` on PATH,
    /// which is often another version.
    public static var terraform: String? {
        let candidates = [ProcessInfo.processInfo.environment["KRATIX_TERRAFORM"], "\(toolsDirectory)/terraform/terraform"]
        return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// What a test says when ``terraform`` is nil.
    public static let terraformMissing = "Terraform 1.0.3 is not installed: `make test` installs it (scripts/install-deps test)"

    /// `program` in the tools `make test` installs, then on PATH.
    public static func which(_ program: String) -> String? {
        for directory in ["\(toolsDirectory)/bin"] + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init) {
            let path = "\(directory)/\(program)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// A tool a test cannot do without is missing: the test fails naming it, rather than returning
    /// early and passing.
    public struct MissingTool: Error, CustomStringConvertible {
        public var tool: String
        public var description: String {
            "\(tool) is needed by this test and was not found (scripts/install-deps test installs the test peers; `make test` runs it)"
        }
    }

    /// The path of `tool` (a name looked up like ``which(_:)``, or an absolute path), or ``MissingTool``.
    @discardableResult
    public static func require(_ tool: String) throws -> String {
        if tool.hasPrefix("/") {
            guard FileManager.default.isExecutableFile(atPath: tool) else { throw MissingTool(tool: tool) }
            return tool
        }
        guard let path = which(tool) else { throw MissingTool(tool: tool) }
        return path
    }
}
