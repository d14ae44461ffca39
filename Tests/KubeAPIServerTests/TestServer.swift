import Foundation
import KratixTestSupport

typealias TestServer = TestAPIServer

extension TestAPIServer {
    static var kubectlPath: String? { TestEnvironment.kubectl }
    static func which(_ program: String) -> String? { TestEnvironment.which(program) }
    static var repositoryRoot: URL { TestEnvironment.repositoryRoot }
    static var fixtures: URL { TestEnvironment.fixturesDirectory }
}
