import Foundation
import KubeModel

/// The pipeline stages of operator and crossplane Promises (`from-api-to-operator`,
/// `from-api-to-crossplane-claim`; upstream's `stages/helm-promise/lib`): the request becomes an
/// object of the operator's (or XRD's) kind in namespace `default`, with the request's name,
/// labels, annotations and spec.
public struct ClaimStage: Sendable {
    /// The three variables the stage needs, in the order it checks them.
    public var variables: [String]

    public static let operator_ = ClaimStage(variables: ["OPERATOR_GROUP", "OPERATOR_VERSION", "OPERATOR_KIND"])
    public static let crossplane = ClaimStage(variables: ["XRD_GROUP", "XRD_VERSION", "XRD_KIND"])

    /// Runs with `environment`: `KRATIX_INPUT_FILE` (default `/kratix/input/object.yaml`) in,
    /// `KRATIX_OUTPUT_FILE` (default `/kratix/output/object.yaml`) out. Errors are upstream's.
    public func run(environment: [String: String]) throws(AuthoringError) {
        var values: [String] = []
        for name in variables {
            guard let value = environment[name], !value.isEmpty else { throw AuthoringError("Expected \(name) to be set") }
            values.append(value)
        }
        let (input, output) = Self.files(environment: environment)
        guard let data = FileManager.default.contents(atPath: input) else {
            throw AuthoringError("Failed to read object file from \(input): open \(input): no such file or directory")
        }
        let request: JSONValue
        do {
            request = try YAMLReader.documents(in: String(decoding: data, as: UTF8.self), source: input).first?.value ?? .object([:])
        } catch {
            throw AuthoringError("Failed to unmarshal object file: \(error)")
        }
        let text = GoYAML.marshal(Self.transform(request, group: values[0], version: values[1], kind: values[2]))
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: output))
        } catch {
            throw AuthoringError("Failed to write object file to \(output): \(error.localizedDescription)")
        }
    }

    /// The request and output files: `KRATIX_INPUT_FILE` and `KRATIX_OUTPUT_FILE`, else a pod's.
    public static func files(environment: [String: String]) -> (input: String, output: String) {
        (
            environment["KRATIX_INPUT_FILE"].flatMap { $0.isEmpty ? nil : $0 } ?? "/kratix/input/object.yaml",
            environment["KRATIX_OUTPUT_FILE"].flatMap { $0.isEmpty ? nil : $0 } ?? "/kratix/output/object.yaml"
        )
    }

    /// The output object. A request without `spec` gets `spec: {}`, which the API accepts where
    /// `spec: null` would not be.
    public static func transform(_ request: JSONValue, group: String, version: String, kind: String) -> JSONValue {
        var metadata: JSONObject = ["name": request[path: ["metadata", "name"]] ?? "", "namespace": "default"]
        if let labels = request[path: ["metadata", "labels"]], labels.objectValue?.isEmpty == false { metadata["labels"] = labels }
        if let annotations = request[path: ["metadata", "annotations"]], annotations.objectValue?.isEmpty == false {
            metadata["annotations"] = annotations
        }
        let spec = request["spec"].flatMap { $0.isNull ? nil : $0 } ?? .object([:])
        return ["apiVersion": .string("\(group)/\(version)"), "kind": .string(kind), "metadata": .object(metadata), "spec": spec]
    }
}
