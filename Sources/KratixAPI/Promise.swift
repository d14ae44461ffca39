import KubeModel
import Foundation

/// A Promise: an API (a CRD) that a platform team offers, with the Workflows that fulfil it.
public struct Promise: KratixResource {
    public static let apiKind = "Promise"
    public static let plural = "promises"
    public static let namespaced = false

    public var apiVersion = KratixGroup.apiVersion
    public var kind = Promise.apiKind
    public var metadata = ObjectMeta()
    public var spec = PromiseSpec()
    public var status: PromiseStatus?
    public var unknownFields = UnknownFields()

    public init(name: String, spec: PromiseSpec = PromiseSpec()) {
        self.metadata = ObjectMeta(name: name)
        self.spec = spec
    }

    /// The `kratix.io/promise-version` label, or `not-set`.
    public var version: String { metadata.label(KratixLabels.promiseVersion) ?? KratixGroup.unversioned }
}

public struct PromiseSpec: Codable, Sendable, Equatable {
    /// A full `CustomResourceDefinition`, kept as written.
    public var api: JSONValue?
    /// Arbitrary Kubernetes objects, scheduled as one static-dependency Work.
    public var dependencies: [JSONValue]?
    public var workflows: PromiseWorkflows?
    public var requiredPromises: [RequiredPromise]?
    public var destinationSelectors: [PromiseScheduling]?
    public var unknownFields = UnknownFields()

    public init(
        api: JSONValue? = nil, dependencies: [JSONValue]? = nil, workflows: PromiseWorkflows? = nil,
        requiredPromises: [RequiredPromise]? = nil, destinationSelectors: [PromiseScheduling]? = nil
    ) {
        self.api = api
        self.dependencies = dependencies
        self.workflows = workflows
        self.requiredPromises = requiredPromises
        self.destinationSelectors = destinationSelectors
    }

    /// Whether the Promise offers an API: absent, `null`, `{}` and empty all mean "no API".
    public var hasAPI: Bool {
        switch api {
        case .none, .null: return false
        case .object(let o): return !o.isEmpty
        case .string(let s): return !s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        default: return true
        }
    }

    /// `destinationSelectors` collapsed into one map; on a key clash the earlier entry wins.
    public var squashedDestinationSelectors: [String: String] {
        var out: [String: String] = [:]
        for selector in (destinationSelectors ?? []).reversed() {
            for (k, v) in selector.matchLabels ?? [:] { out[k] = v }
        }
        return out
    }

    /// The pipelines of one workflow, parsed strictly (unknown fields are errors, as upstream).
    public func pipelines(_ type: WorkflowType, _ action: WorkflowAction) throws(ModelError) -> [Pipeline] {
        let actions: WorkflowActions? = type == .promise ? workflows?.promise : workflows?.resource
        let list = (action == .configure ? actions?.configure : actions?.delete) ?? []
        var out: [Pipeline] = []
        for (index, entry) in list.enumerated() {
            let path = "spec.workflows.\(type.rawValue).\(action.rawValue)[\(index)]"
            let pipeline = try Pipeline.parse(entry, path: path)
            // What upstream's admission webhook refuses, refused here for every client (§2.3):
            // names identify Jobs, ServiceAccounts and status entries, so they must be unique.
            if pipeline.name.isEmpty {
                throw ModelError(.invalidValue(field: FieldPath.join(path, "metadata.name"), value: "\"\"", reason: "a pipeline needs a name"))
            }
            if out.contains(where: { $0.name == pipeline.name }) {
                throw ModelError(.invalidValue(
                    field: FieldPath.join(path, "metadata.name"), value: "\"\(pipeline.name)\"",
                    reason: "duplicate pipeline name; names must be unique within spec.workflows.\(type.rawValue).\(action.rawValue)"))
            }
            if (pipeline.spec.containers ?? []).isEmpty {
                throw ModelError(.invalidValue(
                    field: FieldPath.join(path, "spec.containers"), value: "[]",
                    reason: "pipeline \"\(pipeline.name)\" has no containers; it needs at least one"))
            }
            out.append(pipeline)
        }
        return out
    }
}

/// `spec.workflows`.
public struct PromiseWorkflows: Codable, Sendable, Equatable {
    public var config: WorkflowsConfig?
    public var promise: WorkflowActions?
    public var resource: WorkflowActions?
    public var unknownFields = UnknownFields()

    public init(config: WorkflowsConfig? = nil, promise: WorkflowActions? = nil, resource: WorkflowActions? = nil) {
        self.config = config
        self.promise = promise
        self.resource = resource
    }
}

/// The pipelines of one workflow type. Entries are kept free-form and parsed with ``Pipeline/parse(_:path:)``.
public struct WorkflowActions: Codable, Sendable, Equatable {
    public var configure: [JSONValue]?
    public var delete: [JSONValue]?
    public var unknownFields = UnknownFields()

    public init(configure: [JSONValue]? = nil, delete: [JSONValue]? = nil) {
        self.configure = configure
        self.delete = delete
    }
}

/// `spec.workflows.config`.
public struct WorkflowsConfig: Codable, Sendable, Equatable {
    /// When set, every workflow Job of the Promise runs in this (existing) namespace.
    public var pipelineNamespace: String?
    /// A Go duration; at least `1m`.
    public var reconciliationInterval: String?
    public var unknownFields = UnknownFields()

    public init(pipelineNamespace: String? = nil, reconciliationInterval: String? = nil) {
        self.pipelineNamespace = pipelineNamespace
        self.reconciliationInterval = reconciliationInterval
    }
}

public struct RequiredPromise: Codable, Sendable, Equatable {
    public var name: String?
    /// Empty means any version.
    public var version: String?
    public var unknownFields = UnknownFields()

    public init(name: String, version: String? = nil) {
        self.name = name
        self.version = version
    }
}

/// One entry of `spec.destinationSelectors`.
public struct PromiseScheduling: Codable, Sendable, Equatable {
    public var matchLabels: [String: String]?
    public var unknownFields = UnknownFields()

    public init(matchLabels: [String: String]) { self.matchLabels = matchLabels }
}

public enum WorkflowType: String, Codable, Sendable, CaseIterable {
    case promise
    case resource
}

public enum WorkflowAction: String, Codable, Sendable, CaseIterable {
    case configure
    case delete
}

/// `status` of a Promise. The three counters are required by the CRD: a new status starts them at 0,
/// and a status read without them keeps them unset so a round trip changes nothing.
public struct PromiseStatus: Codable, Sendable, Equatable {
    public var conditions: [Condition]?
    public var status: String?
    public var kind: String?
    public var apiVersion: String?
    public var version: String?
    public var message: String?
    public var observedGeneration: Int64?
    public var workflows: Int64?
    public var workflowsSucceeded: Int64?
    public var workflowsFailed: Int64?
    public var requiredPromises: [RequiredPromiseStatus]?
    public var requiredBy: [RequiredBy]?
    public var lastAvailableTime: String?
    public var kratix: PromiseKratixStatus?
    public var unknownFields = UnknownFields()

    /// A new status, with the required counters at 0.
    public init() {
        workflows = 0
        workflowsSucceeded = 0
        workflowsFailed = 0
    }
}

public struct RequiredPromiseStatus: Codable, Sendable, Equatable {
    public var name: String?
    public var version: String?
    public var state: String?
    public var unknownFields = UnknownFields()

    public init(name: String, version: String?, state: String) {
        self.name = name
        self.version = version
        self.state = state
    }
}

public struct RequiredBy: Codable, Sendable, Equatable {
    public struct PromiseSummary: Codable, Sendable, Equatable {
        public var name: String?
        public var version: String?
        public var unknownFields = UnknownFields()
    }

    public var promise: PromiseSummary?
    public var requiredVersion: String?
    public var unknownFields = UnknownFields()
}

/// `status.kratix` of a Promise: mirrors of the legacy top-level fields plus workflow progress.
public struct PromiseKratixStatus: Codable, Sendable, Equatable {
    public var kind: String?
    public var apiVersion: String?
    public var version: String?
    public var status: String?
    public var lastAvailableTime: String?
    public var workflows: WorkflowsStatus?
    public var unknownFields = UnknownFields()

    public init() {}
}

/// `status.kratix.workflows` of a Promise or a resource request.
public struct WorkflowsStatus: Codable, Sendable, Equatable {
    public var pipelines: [PipelineStatus]?
    public var suspendedGeneration: Int64?
    public var lastSuccessfulConfigureWorkflowTime: String?
    public var unknownFields = UnknownFields()

    public init() {}
}

public struct PipelineStatus: Codable, Sendable, Equatable {
    public enum Phase: String, Codable, Sendable {
        case pending = "Pending"
        case running = "Running"
        case succeeded = "Succeeded"
        case failed = "Failed"
        case suspended = "Suspended"
    }

    public var name: String?
    public var phase: Phase?
    /// Why the pipeline is `Suspended`, or `Failed` for good: the pipeline adapter marks a pipeline
    /// whose output cannot be stored `Failed` with a message while its Job still runs, and the
    /// controller then fails the workflow and suspends the Job instead of letting it retry.
    public var message: String?
    public var nextRetryAt: String?
    public var attempts: Int64?
    public var lastTransitionTime: String?
    public var unknownFields = UnknownFields()

    public init(name: String, phase: Phase) {
        self.name = name
        self.phase = phase
    }
}
