import KubeModel

/// A Destination: somewhere workloads go (a cluster, a Terraform workspace…), reached through a state store.
public struct Destination: KratixResource {
    public static let apiKind = "Destination"
    public static let plural = "destinations"
    public static let namespaced = false

    public var apiVersion = KratixGroup.apiVersion
    public var kind = Destination.apiKind
    public var metadata = ObjectMeta()
    public var spec = DestinationSpec()
    public var status: DestinationStatus?
    public var unknownFields = UnknownFields()

    public init(name: String, spec: DestinationSpec = DestinationSpec()) {
        self.metadata = ObjectMeta(name: name)
        self.spec = spec
    }
}

public struct DestinationSpec: Codable, Sendable, Equatable {
    /// Sub-path inside the state store's path (required by the CRD).
    public var path: String?
    public var stateStoreRef: StateStoreReference?
    public var strictMatchLabels: Bool?
    public var filepath: DestinationFilepath?
    public var cleanup: DestinationCleanup?
    public var initWorkloads: InitWorkloads?
    public var unknownFields = UnknownFields()

    public init(path: String? = nil, stateStoreRef: StateStoreReference? = nil) {
        self.path = path
        self.stateStoreRef = stateStoreRef
    }

    /// The mode in effect: an unset or empty mode means `nestedByMetadata`.
    public var filepathMode: FilepathMode { filepath?.mode ?? .nestedByMetadata }
    /// The aggregated file name in effect (`aggregated.yaml` unless set).
    public var aggregatedFilename: String {
        let name = filepath?.filename ?? ""
        return name.isEmpty ? "aggregated.yaml" : name
    }
    public var effectiveCleanup: DestinationCleanup { cleanup ?? DestinationCleanup.none }
    /// Whether the canary files are written (default true).
    public var writesInitWorkloads: Bool { initWorkloads?.enabled ?? true }
    public var isStrict: Bool { strictMatchLabels ?? false }
}

public struct StateStoreReference: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case bucketStateStore = "BucketStateStore"
        case gitStateStore = "GitStateStore"
    }

    public var kind: Kind
    public var name: String
    public var unknownFields = UnknownFields()

    public init(kind: Kind, name: String) {
        self.kind = kind
        self.name = name
    }
}

public enum FilepathMode: String, Codable, Sendable, CaseIterable {
    case nestedByMetadata
    case aggregatedYAML
    case none

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        if raw.isEmpty {
            self = .nestedByMetadata
            return
        }
        guard let mode = FilepathMode(rawValue: raw) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "unsupported file path mode \"\(raw)\"; expected one of nestedByMetadata, aggregatedYAML, none"))
        }
        self = mode
    }
}

public struct DestinationFilepath: Codable, Sendable, Equatable {
    public var mode: FilepathMode?
    /// Only for `aggregatedYAML`.
    public var filename: String?
    public var unknownFields = UnknownFields()

    public init(mode: FilepathMode, filename: String? = nil) {
        self.mode = mode
        self.filename = filename
    }
}

public enum DestinationCleanup: String, Codable, Sendable, CaseIterable {
    case none
    case all
}

public struct InitWorkloads: Codable, Sendable, Equatable {
    public var enabled: Bool?
    public var unknownFields = UnknownFields()

    public init(enabled: Bool) { self.enabled = enabled }
}

public struct DestinationStatus: Codable, Sendable, Equatable {
    public var conditions: [Condition]?
    public var unknownFields = UnknownFields()

    public init() {}
}
