import Foundation
import KratixAPI
import KubeClient
import KratixTelemetry
import Tracing
import KubeModel

/// The three steps Kratix adds to every workflow Job (§6), as `kratix pipeline-adapter
/// reader|work-creator|update-status` runs them. Each validates everything it reads before it
/// writes anything, so bad pipeline output fails the step without a half-written result.
public enum PipelineAdapter {
    /// How many times a write that lost a race (a conflict) is recomputed from a fresh read.
    static let conflictAttempts = ConflictRetry.defaultAttempts

    // MARK: reader

    /// Fetches the object the workflow runs for and writes it as YAML to `object.yaml` in the input
    /// directory (`$INPUT_DIR`, else `<root>/kratix/input`). Returns the file's path and text.
    @discardableResult
    public static func reader(client: KubeClient, environment: [String: String], root: String = "/")
        async throws(PipelineAdapterError) -> (path: String, text: String)
    {
        try await reader(client: client, environment: try PipelineAdapterEnvironment(environment, root: root))
    }

    @discardableResult
    public static func reader(client: KubeClient, environment env: PipelineAdapterEnvironment)
        async throws(PipelineAdapterError) -> (path: String, text: String)
    {
        var object: KubeObject
        do {
            object = try await client.get(env.resource, name: env.name, namespace: env.objectNamespace)
        } catch {
            throw PipelineAdapterError(.request, file: env.describedObject, message: "cannot be read: \(error)")
        }
        if env.dryRun { object = await dryRunInput(object, client: client, resource: env.resource) }
        let text = YAMLWriter().write(object.value)
        let path = env.objectFile
        do {
            try FileManager.default.createDirectory(atPath: env.inputDirectory, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            throw PipelineAdapterError(.io, file: path, message: "cannot be written: \(error.localizedDescription)")
        }
        return (path, text)
    }

    /// A DryRun's ephemeral request is shown to the pipeline as the request it previews (revisions
    /// spec §2.3): the live request with the proposed spec, or, when there is none yet, the
    /// ephemeral one under the intended name and namespace.
    static func dryRunInput(_ ephemeral: KubeObject, client: KubeClient, resource: GroupVersionResource) async -> KubeObject {
        guard let name = ephemeral.annotations[KratixAnnotations.dryRunResourceName], !name.isEmpty else { return ephemeral }
        let namespace = ephemeral.annotations[KratixAnnotations.dryRunResourceNamespace] ?? ephemeral.namespace ?? ""
        do {
            if var live = try await client.getOptional(resource, name: name, namespace: namespace) {
                live.spec = ephemeral.spec
                print("dry-run: using real resource \(namespace)/\(name) metadata with proposed spec")
                return live
            }
            var renamed = ephemeral
            var metadata = renamed.json["metadata"]?.objectValue ?? [:]
            metadata["name"] = .string(name)
            metadata["namespace"] = .string(namespace)
            renamed.json["metadata"] = .object(metadata)
            print("dry-run: real resource \(namespace)/\(name) not found; using intended name with proposed spec")
            return renamed
        } catch {
            print("dry-run: failed to fetch real resource \(namespace)/\(name): \(error); using ephemeral RR")
            return ephemeral
        }
    }

    // MARK: work-creator

    /// What `work-creator` did.
    public enum WorkCreatorResult: Sendable, Equatable {
        /// `workflow-control.yaml` asked to suspend or retry: no Work was written.
        case skipped
        case created(namespace: String, name: String)
        case updated(namespace: String, name: String)
    }

    /// Turns the pipeline output into its Work: created the first time, its spec replaced on later
    /// runs (found again by its labels, so the name stays).
    @discardableResult
    /// A `.yaml` output file that does not parse is stored as written, as upstream does, and
    /// reported through `warn` (the container's log).
    public static func workCreator(client: KubeClient, options: WorkCreatorOptions, now: Date = Date(),
                                   warn: @Sendable (String) async -> Void = { _ in })
        async throws(PipelineAdapterError) -> WorkCreatorResult
    {
        // With tracing on, the run is a span of the trace the pod was given (upstream's
        // `WorkCreator.Execute`), so a request's reconcile, its pipeline and its placements are one trace.
        var span = ObjectTrace.child("WorkCreator.Execute", traceParent: options.traceParent, traceState: options.traceState)
        span?.attributes["kratix.promise.name"] = options.promiseName
        span?.attributes["kratix.pipeline.name"] = options.pipelineName
        span?.attributes["kratix.workflow.type"] = options.workflowType
        span?.attributes["kratix.namespace"] = options.effectiveNamespace
        do {
            let result = try await createWork(client: client, options: options, now: now, warn: warn)
            span?.end()
            return result
        } catch {
            span?.recordError(error)
            span?.setStatus(SpanStatus(code: .error, message: "\(error)"))
            span?.end()
            throw error
        }
    }

    private static func createWork(client: KubeClient, options: WorkCreatorOptions, now: Date,
                                   warn: @Sendable (String) async -> Void) async throws(PipelineAdapterError) -> WorkCreatorResult
    {
        var selectors: [DestinationSelector] = []
        if let text = try PipelineFiles.readOptionalText(options.destinationSelectorsFile) {
            selectors = try DestinationSelector.parseList(text, file: options.destinationSelectorsFile)
        }
        if try WorkflowControl.read(at: options.workflowControlFile).suspendsOrRetries {
            return .skipped
        }
        var scheduling: [PromiseSchedulingEntry] = []
        if let text = try PipelineFiles.readOptionalText(options.promiseSchedulingFile) {
            scheduling = try PromiseSchedulingEntry.parseList(text, file: options.promiseSchedulingFile)
        }
        let output = try PipelineOutput.read(directory: options.outputDirectory)
        for invalid in output.invalidYAML {
            await warn("\(invalid.path): \(invalid.message); stored as written (upstream Kratix stores every file's bytes unparsed)")
        }
        let groups = try WorkBuilder.workloadGroups(output: output, selectors: selectors, promiseScheduling: scheduling,
                                                    workflowType: options.workflowType, selectorsFile: options.destinationSelectorsFile)
        return try await writeWork(client: client, options: options, groups: groups, now: now)
    }

    /// Creates or replaces the Work; the lookup is by labels, and more than one match is an error.
    static func writeWork(client: KubeClient, options: WorkCreatorOptions, groups: [WorkloadGroup], now: Date)
        async throws(PipelineAdapterError) -> WorkCreatorResult
    {
        let works = client.api(Work.self, namespace: options.effectiveNamespace)
        let selector = ListOptions.selector(WorkBuilder.labels(options))
        for _ in 0..<conflictAttempts {
            let existing: [Work]
            do {
                existing = try await works.list(ListOptions(labelSelector: selector)).items
            } catch {
                throw PipelineAdapterError(.request, file: "Works in \(options.effectiveNamespace)", message: "cannot be listed: \(error)")
            }
            switch existing.count {
            case 0:
                let work = WorkBuilder.work(options, groups: groups, now: now)
                do {
                    let created = try await works.create(work)
                    return .created(namespace: options.effectiveNamespace, name: created.name)
                } catch .alreadyExists {
                    continue
                } catch {
                    throw await rejection(error, client: client, options: options, work: work.name, verb: "created")
                }
            case 1:
                var work = existing[0]
                work.spec = WorkBuilder.spec(options, groups: groups, now: now)
                var annotations = work.metadata.annotations ?? [:]
                if let parent = options.traceParent { annotations[KratixAnnotations.traceParent] = parent }
                if let state = options.traceState { annotations[KratixAnnotations.traceState] = state }
                work.metadata.annotations = annotations.isEmpty ? nil : annotations
                do {
                    let updated = try await works.update(work)
                    return .updated(namespace: options.effectiveNamespace, name: updated.name)
                } catch .conflict {
                    continue
                } catch {
                    throw await rejection(error, client: client, options: options, work: work.name, verb: "updated")
                }
            default:
                let names = existing.map(\.name).sorted().joined(separator: ", ")
                throw PipelineAdapterError(.request, file: "Works in \(options.effectiveNamespace)",
                                           message: "more than one Work matches \(selector): \(names)")
            }
        }
        throw PipelineAdapterError(.request, file: "Works in \(options.effectiveNamespace)",
                                   message: "kept conflicting with concurrent writers after \(conflictAttempts) attempts")
    }

    // MARK: update-status

    /// Merges the pipeline's `status.yaml` (and its workflow control) into the object's status
    /// (§6.5). Returns the object as stored, and the merge's warnings for the log.
    @discardableResult
    public static func updateStatus(client: KubeClient, environment: [String: String], root: String = "/", now: Date = Date())
        async throws(PipelineAdapterError) -> (object: KubeObject, warnings: [String])
    {
        try await updateStatus(client: client, environment: try PipelineAdapterEnvironment(environment, root: root), now: now)
    }

    @discardableResult
    public static func updateStatus(client: KubeClient, environment env: PipelineAdapterEnvironment, now: Date = Date())
        async throws(PipelineAdapterError) -> (object: KubeObject, warnings: [String])
    {
        var incoming: JSONObject = [:]
        if let text = try PipelineFiles.readOptionalText(env.statusFile) {
            incoming = try StatusMerge.parseIncoming(text, file: env.statusFile)
        }
        let control = try WorkflowControl.read(at: env.workflowControlFile)
        _ = try control.retryDelay(file: env.workflowControlFile)

        for _ in 0..<conflictAttempts {
            var object: KubeObject
            do {
                object = try await client.get(env.resource, name: env.name, namespace: env.objectNamespace)
            } catch {
                throw PipelineAdapterError(.request, file: env.describedObject, message: "cannot be read: \(error)")
            }
            let merge = StatusMerge(workflowType: env.workflowType, pipelineName: env.pipelineName, isLastPipeline: env.isLastPipeline,
                                    dryRun: env.dryRun, generation: object.generation ?? 0, now: now)
            let result = try merge.apply(existing: object.status?.objectValue ?? [:], incoming: incoming, control: control,
                                         controlFile: env.workflowControlFile)
            do {
                if result.suspendWorkflow && object.labels[KratixLabels.workflowSuspended] != "true" {
                    var metadata: JSONObject = ["labels": [KratixLabels.workflowSuspended: "true"]]
                    if let rv = object.resourceVersion { metadata["resourceVersion"] = .string(rv) }
                    object = try await client.patch(env.resource, name: env.name, namespace: env.objectNamespace,
                                                    .merge(["metadata": .object(metadata)]))
                }
                object.status = .object(result.status)
                let stored = try await client.updateStatus(env.resource, object)
                return (stored, result.warnings)
            } catch .conflict {
                continue
            } catch {
                throw PipelineAdapterError(.request, file: env.describedObject, message: "status cannot be written: \(error)")
            }
        }
        throw PipelineAdapterError(.request, file: env.describedObject,
                                   message: "status kept conflicting with concurrent writers after \(conflictAttempts) attempts")
    }
}
