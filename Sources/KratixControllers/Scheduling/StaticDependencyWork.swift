import Foundation
import KratixAPI
import KubeModel

/// The Work that carries a Promise's `spec.dependencies` (spec §2.7): one root workload group with
/// one file, `static/<promise>-dependencies.yaml`, holding every dependency as a multi-document
/// YAML stream. It is a dependency Work (no resource name), so it goes to every matching Destination.
public enum StaticDependencyWork {
    public static let workType = "static-dependency"

    public static func workloadPath(promise: String) -> String {
        "static/\(promise)-dependencies.yaml"
    }

    /// The labels that identify the Work (and find it again on the next Promise reconcile).
    public static func labels(promise: String) -> [String: String] {
        [KratixLabels.promiseName: promise, KratixLabels.workType: workType]
    }

    /// yaml.v2's encoder output for the dependencies: sorted keys, `---` between documents.
    public static func document(_ dependencies: [JSONValue]) -> String {
        YAMLWriter(sortedKeys: true).write(documents: dependencies)
    }

    /// The Work's spec, or nil when the Promise has no dependencies (the Work must then go).
    public static func spec(for promise: Promise) -> WorkSpec? {
        guard let dependencies = promise.spec.dependencies, !dependencies.isEmpty else { return nil }
        var selectors: [WorkloadGroupScheduling]?
        if let promiseSelectors = promise.spec.destinationSelectors, !promiseSelectors.isEmpty {
            selectors = [WorkloadGroupScheduling(matchLabels: promise.spec.squashedDestinationSelectors,
                                                 source: DestinationMatcher.promiseSource)]
        }
        let workload = Workload(filepath: workloadPath(promise: promise.name), content: WorkloadContent.encode(document(dependencies)))
        let group = WorkloadGroup(directory: ".", id: WorkPlacementNaming.rootGroupID, workloads: [workload],
                                  destinationSelectors: selectors)
        return WorkSpec(promiseName: promise.name, resourceName: nil, workloadGroups: [group])
    }

    /// A new Work for the Promise, named like upstream's generated names: `<promise>-static-deps`
    /// (cut to 56 characters when longer than 57, trailing non-alphanumerics stripped) plus `-` and
    /// the first five characters of `suffix` (a fresh UUID by default).
    public static func newWork(for promise: Promise, namespace: String = KratixGroup.systemNamespace,
                               suffix: String = UUID().uuidString.lowercased()) -> Work? {
        guard let spec = spec(for: promise) else { return nil }
        var work = Work(name: generatedName("\(promise.name)-static-deps", suffix: suffix), namespace: namespace, spec: spec)
        work.metadata.labels = labels(promise: promise.name)
        return work
    }

    static func generatedName(_ identifier: String, suffix: String) -> String {
        var base = Substring(identifier)
        if base.count > 57 { base = base.prefix(56) }
        while let last = base.last, !(last.isASCII && (last.isLetter || last.isNumber)) { base = base.dropLast() }
        return "\(base)-\(suffix.prefix(5))"
    }
}
