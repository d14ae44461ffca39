import KratixAPI
import KubeModel

/// The `KRATIX_*` variables the reader and the status writer get from their container (§4.6.1),
/// and the paths they read and write, relative to a root that tests can move.
public struct PipelineAdapterEnvironment: Sendable, Equatable {
    public var group: String
    public var version: String
    public var plural: String
    public var name: String
    /// `default` when the variable is empty; empty for cluster-scoped objects.
    public var namespace: String
    public var clusterScoped: Bool
    public var workflowType: String
    public var workflowAction: String
    public var pipelineName: String
    public var promiseName: String
    public var isLastPipeline: Bool
    public var dryRun: Bool
    /// Where `object.yaml` goes (`$INPUT_DIR`, else `<root>/kratix/input`).
    public var inputDirectory: String
    /// The same, as the container sees it (for messages).
    public var containerInputDirectory: String
    /// Where `status.yaml` and `workflow-control.yaml` are read (`<root>/work-creator-files/metadata`,
    /// the status writer's mount).
    public var metadataDirectory: String

    /// Reads the variables. `root` is `/` in a Job; tests point it at a scratch directory.
    public init(_ environment: [String: String], root: String = "/") throws(PipelineAdapterError) {
        // (A path already under `root`, such as a test's INPUT_DIR, is taken as it is.)
        let paths = PathMap(root: root)
        try self.init(environment, paths: paths, translate: { $0.hasPrefix(root) && root != "/" ? $0 : paths.host($0) })
    }

    /// Reads the variables; `paths` says where the paths inside the container are here.
    public init(_ environment: [String: String], paths: PathMap) throws(PipelineAdapterError) {
        try self.init(environment, paths: paths, translate: paths.host)
    }

    private init(_ environment: [String: String], paths: PathMap, translate path: (String) -> String) throws(PipelineAdapterError) {
        func required(_ key: String) throws(PipelineAdapterError) -> String {
            guard let value = environment[key], !value.isEmpty else {
                throw PipelineAdapterError(.invalidConfiguration, message: "environment variable \(key) is not set")
            }
            return value
        }
        group = environment["KRATIX_OBJECT_GROUP"] ?? ""
        version = try required("KRATIX_OBJECT_VERSION")
        plural = try required("KRATIX_CRD_PLURAL")
        name = try required("KRATIX_OBJECT_NAME")
        clusterScoped = environment["KRATIX_CLUSTER_SCOPED"] == "true"
        let namespace = environment["KRATIX_OBJECT_NAMESPACE"] ?? ""
        self.namespace = clusterScoped ? "" : (namespace.isEmpty ? "default" : namespace)
        workflowType = environment["KRATIX_WORKFLOW_TYPE"] ?? ""
        workflowAction = environment["KRATIX_WORKFLOW_ACTION"] ?? ""
        pipelineName = environment["KRATIX_PIPELINE_NAME"] ?? ""
        promiseName = environment["KRATIX_PROMISE_NAME"] ?? ""
        isLastPipeline = environment["IS_LAST_PIPELINE"] == "true"
        dryRun = environment["KRATIX_DRY_RUN"] == "true"
        let input = environment["INPUT_DIR"] ?? ""
        containerInputDirectory = input.isEmpty ? "/kratix/input" : input
        inputDirectory = path(containerInputDirectory)
        metadataDirectory = path("/work-creator-files/metadata")
    }

    /// The object's resource, for the client.
    public var resource: GroupVersionResource {
        GroupVersionResource(group: group, version: version, resource: plural)
    }

    /// `nil` for cluster-scoped objects.
    public var objectNamespace: String? { clusterScoped ? nil : namespace }

    public var describedObject: String {
        let gvr = group.isEmpty ? "\(version)/\(plural)" : "\(plural).\(group)"
        return clusterScoped ? "\(gvr) \(name)" : "\(gvr) \(namespace)/\(name)"
    }

    var objectFile: String { PipelineFiles.join(inputDirectory, "object.yaml") }
    var containerObjectFile: String { PipelineFiles.join(containerInputDirectory, "object.yaml") }
    var statusFile: String { PipelineFiles.join(metadataDirectory, "status.yaml") }
    var workflowControlFile: String { PipelineFiles.join(metadataDirectory, "workflow-control.yaml") }
}
