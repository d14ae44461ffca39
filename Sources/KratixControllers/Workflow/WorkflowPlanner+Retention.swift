import KratixAPI

/// Job retention (§5.7): each pipeline keeps its newest `numberOfJobsToKeep` Jobs, failed and
/// successful alike; older ones are deleted, oldest first.
extension WorkflowPlanner {
    /// The labels that select every Job of one pipeline, whatever its hash: the Promise and
    /// pipeline names, plus the request, action and type labels the fresh Job carries.
    static func retentionSelector(_ pipeline: Pipeline) -> [String: String] {
        var selector: [String: String] = [KratixLabels.pipelineName: pipeline.name]
        for key in [KratixLabels.promiseName, KratixLabels.resourceName, KratixLabels.resourceNamespace,
                    KratixLabels.workflowAction, KratixLabels.workflowType] {
            if let value = pipeline.jobLabels[key], !value.isEmpty { selector[key] = value }
        }
        return selector
    }

    /// The Jobs to delete so that no pipeline keeps more than `numberOfJobsToKeep` (values below 1
    /// mean 5, as the configuration reads them).
    public static func jobsBeyondRetention(_ input: Input) -> [JobReference] {
        let keep = input.numberOfJobsToKeep < 1 ? 5 : input.numberOfJobsToKeep
        var out: [JobReference] = []
        var seen = Set<JobReference>()
        for pipeline in input.pipelines {
            let selector = retentionSelector(pipeline)
            let jobs = input.jobs.filter { $0.hasLabels(selector) }
            guard jobs.count > keep else { continue }
            let oldestFirst = WorkflowJob.newestFirst(jobs).reversed()
            for job in oldestFirst.prefix(jobs.count - keep) {
                let reference = JobReference(job)
                if seen.insert(reference).inserted { out.append(reference) }
            }
        }
        return out
    }
}
