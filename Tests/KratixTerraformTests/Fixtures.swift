import Foundation
import KratixTestSupport
import KubeModel
import Testing

/// Where the shared fixtures are: `<repo>/../shared/fixtures`, or `KRATIX_SHARED_DIR/fixtures`.
enum Fixtures {
    static var repositoryRoot: URL { TestEnvironment.repositoryRoot }
    static var sharedDirectory: URL { TestEnvironment.sharedDirectory }

    static var terraformDirectory: URL {
        sharedDirectory.appendingPathComponent("fixtures").appendingPathComponent("terraform")
    }

    static func url(_ relative: String) -> URL { terraformDirectory.appendingPathComponent(relative) }

    static func read(_ relative: String) throws -> String {
        try String(contentsOf: url(relative), encoding: .utf8)
    }

    static func yaml(_ relative: String) throws -> JSONValue {
        try YAMLReader.singleDocument(in: read(relative), source: relative)
    }
}

/// A fresh directory under the system temporary folder; the test that makes it removes it.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("kratix-tf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: url) }

    func write(_ relative: String, _ contents: String) throws {
        let file = url.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try contents.write(to: file, atomically: true, encoding: .utf8)
    }
}

/// Paths at which two JSON trees differ, for readable golden-test failures.
func differences(_ actual: JSONValue, _ expected: JSONValue, path: String = "") -> [String] {
    switch (actual, expected) {
    case (.object(let a), .object(let e)):
        var out: [String] = []
        for key in Set(a.keys).union(e.keys).sorted() {
            switch (a[key], e[key]) {
            case (nil, _): out.append("\(path).\(key): missing")
            case (_, nil): out.append("\(path).\(key): unexpected \(a[key]!)")
            case (let x?, let y?): out += differences(x, y, path: "\(path).\(key)")
            }
        }
        return out
    case (.array(let a), .array(let e)) where a.count == e.count:
        return zip(a, e).enumerated().flatMap { differences($0.element.0, $0.element.1, path: "\(path)[\($0.offset)]") }
    default:
        return actual == expected ? [] : ["\(path): \(actual) != \(expected)"]
    }
}
