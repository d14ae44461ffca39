import Foundation
import KratixAPI
import KubeModel

/// Turns a pipeline's output into the Work the scheduler places (scheduling spec §2.5), without IO.
public enum WorkBuilder {
    /// The workload groups: one per `destination-selectors.yaml` entry with a directory, in file
    /// order, then the root group (everything else) if it has any file.
    public static func workloadGroups(
        output: PipelineOutput, selectors: [DestinationSelector], promiseScheduling: [PromiseSchedulingEntry],
        workflowType: String, selectorsFile: String = "destination-selectors.yaml"
    ) throws(PipelineAdapterError) -> [WorkloadGroup] {
        let workflowSource = "\(workflowType)-workflow"
        var groups: [WorkloadGroup] = []
        var claimed = Set<String>()
        for selector in selectors where selector.directory != "." {
            guard output.topLevelDirectories.contains(selector.directory) else {
                throw PipelineAdapterError(.invalidPipelineOutput, file: selectorsFile,
                                           message: "directory \"\(selector.directory)\" does not exist in the pipeline output")
            }
            claimed.insert(selector.directory)
            let prefix = selector.directory + "/"
            let workloads = output.files.filter { $0.path.hasPrefix(prefix) }.map(workload)
            groups.append(WorkloadGroup(
                directory: selector.directory, id: KratixHash.md5Hex(selector.directory), workloads: workloads,
                destinationSelectors: [WorkloadGroupScheduling(matchLabels: selector.matchLabels, source: workflowSource)]))
        }

        let rootFiles = output.files.filter { file in
            guard let slash = file.path.firstIndex(of: "/") else { return true }
            return !claimed.contains(String(file.path[..<slash]))
        }
        if !rootFiles.isEmpty {
            var scheduling: [WorkloadGroupScheduling] = []
            if let root = selectors.first(where: { $0.directory == "." }) {
                scheduling.append(WorkloadGroupScheduling(matchLabels: root.matchLabels, source: workflowSource))
            }
            for source in ["promise-workflow", "promise"] {
                let entries = promiseScheduling.filter { $0.source == source }
                if !entries.isEmpty {
                    scheduling.append(WorkloadGroupScheduling(matchLabels: PromiseSchedulingEntry.squash(entries), source: source))
                }
            }
            groups.append(WorkloadGroup(directory: ".", id: KratixHash.md5Hex("."), workloads: rootFiles.map(workload),
                                        destinationSelectors: scheduling.isEmpty ? nil : scheduling))
        }
        return groups
    }

    static func workload(_ file: PipelineOutput.File) -> Workload {
        Workload(filepath: file.path, content: WorkloadContent.encode(file.contents))
    }

    /// The labels that identify the Work of one pipeline run (§2.6); the Work is looked up by them.
    public static func labels(_ options: WorkCreatorOptions) -> [String: String] {
        var labels: [String: String] = [
            KratixLabels.promiseName: options.promiseName,
            KratixLabels.workType: options.workflowType,
            KratixLabels.pipelineName: options.pipelineName,
        ]
        if let name = options.resourceName, !name.isEmpty { labels[KratixLabels.resourceName] = name }
        if let namespace = options.resourceNamespace, !namespace.isEmpty { labels[KratixLabels.resourceNamespace] = namespace }
        if options.dryRun { labels[KratixLabels.dryRun] = "true" }
        return labels
    }

    /// `<promise>-<pipeline>`, `<promise>-<resource>-<pipeline>` or, with a resource namespace,
    /// `<promise>-<resource>-<namespace>-<pipeline>`.
    public static func identifier(_ options: WorkCreatorOptions) -> String {
        var parts = [options.promiseName]
        if options.workflowType != WorkflowType.promise.rawValue, let name = options.resourceName, !name.isEmpty {
            parts.append(name)
            if let namespace = options.resourceNamespace, !namespace.isEmpty { parts.append(namespace) }
        }
        parts.append(options.pipelineName)
        return parts.joined(separator: "-")
    }

    /// The spec every run writes; `lastExecutionTimestamp` makes each run a change.
    public static func spec(_ options: WorkCreatorOptions, groups: [WorkloadGroup], now: Date) -> WorkSpec {
        let resourceName = options.workflowType == WorkflowType.promise.rawValue ? nil : options.resourceName.flatMap { $0.isEmpty ? nil : $0 }
        var spec = WorkSpec(promiseName: options.promiseName, resourceName: resourceName, workloadGroups: groups)
        spec.lastExecutionTimestamp = Timestamp.format(now)
        return spec
    }

    /// A new Work with a fresh random name.
    public static func work(
        _ options: WorkCreatorOptions, groups: [WorkloadGroup], now: Date, nameSuffix: String = KratixObjectName.randomSuffix()
    ) -> Work {
        var work = Work(name: KratixObjectName.random(identifier(options), suffix: nameSuffix), namespace: options.effectiveNamespace,
                        spec: spec(options, groups: groups, now: now))
        work.metadata.labels = labels(options)
        var annotations: [String: String] = [:]
        if let parent = options.traceParent { annotations[KratixAnnotations.traceParent] = parent }
        if let state = options.traceState { annotations[KratixAnnotations.traceState] = state }
        if !annotations.isEmpty { work.metadata.annotations = annotations }
        return work
    }
}
