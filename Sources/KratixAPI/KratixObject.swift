import KubeModel

/// Any typed Kratix object, decoded by its `kind`.
public enum KratixObject: Sendable, Equatable {
    case promise(Promise)
    case work(Work)
    case workPlacement(WorkPlacement)
    case destination(Destination)
    case gitStateStore(GitStateStore)
    case bucketStateStore(BucketStateStore)
    case promiseRelease(PromiseRelease)
    case healthRecord(HealthRecord)
    case promiseRevision(PromiseRevision)
    case resourceBinding(ResourceBinding)
    case dryRun(DryRun)

    /// The kinds served by the `platform.kratix.io` group, by `kind`.
    public static let servedKinds: [String] = [
        Promise.apiKind, Work.apiKind, WorkPlacement.apiKind, Destination.apiKind, GitStateStore.apiKind, BucketStateStore.apiKind,
        PromiseRelease.apiKind, HealthRecord.apiKind, PromiseRevision.apiKind, ResourceBinding.apiKind, DryRun.apiKind,
    ]

    /// Whether the document claims to be a Kratix object (its apiVersion's group is `platform.kratix.io`).
    public static func isKratixDocument(_ value: JSONValue) -> Bool {
        guard let apiVersion = value["apiVersion"]?.stringValue, let gv = GroupVersion(apiVersion: apiVersion) else {
            return false
        }
        return gv.group == KratixGroup.group
    }

    /// Decodes a Kratix document into its typed model.
    ///
    /// Errors name the document's source, its index in the stream and the field. An unknown kind or
    /// version of the Kratix group is an error; so is a Pipeline inside a Promise that does not parse
    /// strictly. (Pipelines are validated here because the controller would reject them anyway.)
    public static func decode(_ document: YAMLDocument) throws(ModelError) -> KratixObject {
        do {
            return try decode(document.value)
        } catch {
            throw document.locate(error)
        }
    }

    public static func decode(_ value: JSONValue) throws(ModelError) -> KratixObject {
        guard case .object = value else {
            throw ModelError(.typeMismatch(field: "<root>", expected: "object", found: value.typeName))
        }
        guard let apiVersion = value["apiVersion"]?.stringValue else {
            throw ModelError(.missingField(field: "apiVersion"))
        }
        guard let kind = value["kind"]?.stringValue else { throw ModelError(.missingField(field: "kind")) }
        guard apiVersion == KratixGroup.apiVersion else {
            throw ModelError(.unknownKind(apiVersion: apiVersion, kind: kind))
        }
        switch kind {
        case Promise.apiKind:
            let promise = try Promise(from: value)
            for type in WorkflowType.allCases {
                for action in WorkflowAction.allCases {
                    _ = try promise.spec.pipelines(type, action)
                }
            }
            return .promise(promise)
        case Work.apiKind: return .work(try Work(from: value))
        case WorkPlacement.apiKind: return .workPlacement(try WorkPlacement(from: value))
        case Destination.apiKind: return .destination(try Destination(from: value))
        case GitStateStore.apiKind: return .gitStateStore(try GitStateStore(from: value))
        case BucketStateStore.apiKind: return .bucketStateStore(try BucketStateStore(from: value))
        case PromiseRelease.apiKind: return .promiseRelease(try PromiseRelease(from: value))
        case HealthRecord.apiKind: return .healthRecord(try HealthRecord(from: value))
        case PromiseRevision.apiKind: return .promiseRevision(try PromiseRevision(from: value))
        case ResourceBinding.apiKind: return .resourceBinding(try ResourceBinding(from: value))
        case DryRun.apiKind: return .dryRun(try DryRun(from: value))
        default:
            throw ModelError(.unknownKind(apiVersion: apiVersion, kind: kind))
        }
    }

    /// The object encoded back to JSON, unknown fields included.
    public func toJSON() throws(ModelError) -> JSONValue {
        switch self {
        case .promise(let o): return try o.toJSON()
        case .work(let o): return try o.toJSON()
        case .workPlacement(let o): return try o.toJSON()
        case .destination(let o): return try o.toJSON()
        case .gitStateStore(let o): return try o.toJSON()
        case .bucketStateStore(let o): return try o.toJSON()
        case .promiseRelease(let o): return try o.toJSON()
        case .healthRecord(let o): return try o.toJSON()
        case .promiseRevision(let o): return try o.toJSON()
        case .resourceBinding(let o): return try o.toJSON()
        case .dryRun(let o): return try o.toJSON()
        }
    }

    public var kind: String {
        switch self {
        case .promise: return Promise.apiKind
        case .work: return Work.apiKind
        case .workPlacement: return WorkPlacement.apiKind
        case .destination: return Destination.apiKind
        case .gitStateStore: return GitStateStore.apiKind
        case .bucketStateStore: return BucketStateStore.apiKind
        case .promiseRelease: return PromiseRelease.apiKind
        case .healthRecord: return HealthRecord.apiKind
        case .promiseRevision: return PromiseRevision.apiKind
        case .resourceBinding: return ResourceBinding.apiKind
        case .dryRun: return DryRun.apiKind
        }
    }
}
