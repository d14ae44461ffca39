import Foundation

/// Where the repository and the shared fixtures are, for tests.
///
/// Fixtures live in `../shared/fixtures` beside the repository (never copied in); `KRATIX_SHARED_DIR`
/// overrides the location.
enum Fixtures {
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var sharedDirectory: URL {
        if let override = ProcessInfo.processInfo.environment["KRATIX_SHARED_DIR"] {
            return URL(fileURLWithPath: override)
        }
        return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }

    static var fixturesDirectory: URL { sharedDirectory.appendingPathComponent("fixtures") }

    /// Every YAML file under the fixtures folder, as paths relative to it, sorted.
    static func yamlFiles() throws -> [String] {
        let root = fixturesDirectory.path
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
        var out: [String] = []
        while let relative = enumerator.nextObject() as? String {
            if relative.hasSuffix(".yaml") || relative.hasSuffix(".yml") { out.append(relative) }
        }
        return out.sorted()
    }

    static func read(_ relative: String) throws -> String {
        try String(contentsOf: fixturesDirectory.appendingPathComponent(relative), encoding: .utf8)
    }
}
