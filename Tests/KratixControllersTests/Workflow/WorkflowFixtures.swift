import Foundation
import KratixAPI
import KratixTestSupport
import KubeModel
@testable import KratixControllers

/// The shared Kratix fixtures the workflow tests read, decoded.
enum WorkflowFixtures {
    static func text(_ relative: String) throws -> String {
        try String(contentsOf: TestEnvironment.fixturesDirectory.appendingPathComponent(relative), encoding: .utf8)
    }

    static func documents(_ relative: String) throws -> [JSONValue] {
        try YAMLReader.documents(in: text(relative), source: relative).map(\.value)
    }

    /// `kratix/core/assets/promise.yaml`: Promise `testbundle`, one promise and two resource configure pipelines.
    static func corePromise(uid: String = "11111111-2222-3333-4444-555555555555") throws -> Promise {
        var promise = try Promise(from: documents("kratix/core/assets/promise.yaml")[0])
        promise.metadata.uid = uid
        return promise
    }

    /// `kratix/core/assets/example-resource.yaml`: TestBundle `default/kratix-test`.
    static func coreRequest(uid: String = "99999999-8888-7777-6666-555555555555") throws -> KubeObject {
        var request = KubeObject(try documents("kratix/core/assets/example-resource.yaml")[0])!
        var metadata = request.json["metadata"]!.objectValue!
        metadata["uid"] = .string(uid)
        metadata["labels"] = [KratixLabels.promiseName: "testbundle"]
        request.json["metadata"] = .object(metadata)
        return request
    }

    static func promiseObject(_ promise: Promise) throws -> KubeObject {
        try KubeObject.encode(promise)
    }
}

extension KubeObject {
    /// `path` read as a JSON path of keys and integer indexes, for compact assertions.
    subscript(wf path: Any...) -> JSONValue? {
        var current: JSONValue? = value
        for element in path {
            if let key = element as? String {
                current = current?[key]
            } else if let index = element as? Int {
                guard let array = current?.arrayValue, index < array.count else { return nil }
                current = array[index]
            }
        }
        return current
    }
}

extension JSONValue {
    /// The `name` of every element of an array.
    var wfNames: [String] { (arrayValue ?? []).compactMap { $0["name"]?.stringValue } }
}

extension JSONValue {
    /// The element at `index` of an array.
    subscript(wf index: Int) -> JSONValue? {
        guard let array = arrayValue, array.indices.contains(index) else { return nil }
        return array[index]
    }
}
