import Foundation
import KratixTestSupport

/// Where the repository and the shared fixtures are, for tests.
///
/// Fixtures live in `../shared/fixtures` beside the repository (never copied in); `KRATIX_SHARED_DIR`
/// overrides the location.
enum Fixtures {
    static var repositoryRoot: URL { TestEnvironment.repositoryRoot }
    static var sharedDirectory: URL { TestEnvironment.sharedDirectory }

    static var fixturesDirectory: URL { TestEnvironment.fixturesDirectory }

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
