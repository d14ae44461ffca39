import Foundation
import KratixTestSupport

/// kratix-cli's own test data, read in place from the shared directory (`testdata/kratix-cli`).
enum KratixCLIFixtures {
    static let root = TestEnvironment.sharedDirectory.appendingPathComponent("testdata/kratix-cli")
    /// `test/assets`: what upstream's `test/*.go` call `assets/...`.
    static let assets = root.appendingPathComponent("test/assets")
    static let stages = root.appendingPathComponent("stages")
}
