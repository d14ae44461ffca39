import KratixAPI
import KratixStateStore
import KubeModel

/// Where a WorkPlacement's files go in its Destination's state store, and with what bytes (spec §7).
/// GitOps agents on the destination read these exact paths, so they are composed with Go's
/// `filepath.Join` semantics (``StorePath``) exactly as upstream composes them. All paths are
/// relative to the store's own `spec.path` and include the Destination's `spec.path`.
public struct WorkPlacementLayout: Sendable, Equatable {
    public static let dependenciesDirectory = "dependencies"
    public static let resourcesDirectory = "resources"
    public static let stateDirectory = ".kratix"

    /// The Destination's `spec.path` (`P`).
    public var destinationPath: String
    public var mode: FilepathMode
    /// The single file of the `aggregatedYAML` mode.
    public var aggregatedFilename: String

    public init(destinationPath: String, mode: FilepathMode, aggregatedFilename: String = "aggregated.yaml") {
        self.destinationPath = destinationPath
        self.mode = mode
        self.aggregatedFilename = aggregatedFilename.isEmpty ? "aggregated.yaml" : aggregatedFilename
    }

    public init(destination: Destination) {
        self.init(destinationPath: destination.spec.path ?? "", mode: destination.spec.filepathMode,
                  aggregatedFilename: destination.spec.aggregatedFilename)
    }

    // MARK: Paths

    /// The `nestedByMetadata` directory (upstream's `getDir`, prefixed with `P`):
    /// `P/dependencies/<promise>/<pipeline>/<shortID>` for dependency placements and
    /// `P/resources/<namespace>/<promise>/<resource>/<pipeline>/<shortID>` for resource placements.
    /// An empty pipeline name (static dependencies) drops its segment.
    public func nestedDirectory(for placement: WorkPlacement) -> String {
        let pipeline = placement.metadata.label(KratixLabels.pipelineName) ?? ""
        let shortID = WorkPlacementNaming.shortID(placement.spec.id ?? "")
        let promise = placement.spec.promiseName ?? ""
        let resource = placement.spec.resourceName ?? ""
        if resource.isEmpty {
            return StorePath.join(destinationPath, Self.dependenciesDirectory, promise, pipeline, shortID)
        }
        return StorePath.join(destinationPath, Self.resourcesDirectory, placement.metadata.namespace ?? "", promise, resource,
                              pipeline, shortID)
    }

    /// `P/` as upstream writes it before joining workload paths in the flat modes.
    public var pathPrefix: String { destinationPath + "/" }

    /// The state file of the `none` mode, relative to the store path.
    public func stateFilePath(for placement: WorkPlacement) -> String {
        StorePath.join(pathPrefix, Self.stateDirectory, Self.stateFileName(for: placement))
    }

    static func stateFileName(for placement: WorkPlacement) -> String {
        "\(placement.metadata.namespace ?? "")-\(placement.name).yaml"
    }

    /// The single file of the `aggregatedYAML` mode, relative to the store path.
    public var aggregatedFilePath: String { StorePath.join(destinationPath, aggregatedFilename) }

    // MARK: Writes

    /// The update that writes a placement.
    ///
    /// - Parameters:
    ///   - previousStateFile: the placement's current state file (`none` mode; nil when absent).
    ///   - destinationPlacements: every WorkPlacement targeting the Destination (`aggregatedYAML`
    ///     mode; placements being deleted are skipped, `placement` replaces its stored copy).
    public func write(_ placement: WorkPlacement, previousStateFile: [UInt8]? = nil,
                      destinationPlacements: [WorkPlacement] = []) throws(SchedulingError) -> StateStoreUpdate {
        switch mode {
        case .nestedByMetadata:
            return StateStoreUpdate(name: placement.name, directory: nestedDirectory(for: placement), replaceDirectory: true,
                                    files: try Self.files(of: placement))
        case .aggregatedYAML:
            let others = destinationPlacements.filter { !Self.same($0, placement) }
            let content = try Self.aggregatedContent(others + [placement])
            return StateStoreUpdate(name: placement.name, directory: destinationPath,
                                    files: [StateStoreFile(path: aggregatedFilename, content: content)])
        case .none:
            let statePath = stateFilePath(for: placement)
            let old = try previousStateFile.map { bytes throws(SchedulingError) in
                try WorkPlacementStateFile(decoding: bytes, path: statePath)
            }?.files ?? []
            let files = try Self.files(of: placement)
            let written = files.map { StorePath.join(pathPrefix, $0.path) }
            let keep = Set(written)
            let deletions = old.map(normalisedEntry).filter { !keep.contains($0) }
            let stateFile = StateStoreFile(path: StorePath.join(Self.stateDirectory, Self.stateFileName(for: placement)),
                                           content: WorkPlacementStateFile(files: written).encoded())
            return StateStoreUpdate(name: placement.name, directory: destinationPath, files: [stateFile] + files,
                                    deletions: Self.unique(deletions))
        }
    }

    /// The update that removes a placement's files when it is deleted (spec §7.7), or nil when
    /// there is nothing to do.
    ///
    /// - Parameters:
    ///   - stateFile: the placement's state file (`none` mode); the caller must not delete the
    ///     placement without it, because the file is the only record of what to remove.
    ///   - destinationPlacements: every WorkPlacement targeting the Destination (`aggregatedYAML`).
    public func removal(_ placement: WorkPlacement, stateFile: [UInt8]? = nil,
                        destinationPlacements: [WorkPlacement] = []) throws(SchedulingError) -> StateStoreUpdate? {
        switch mode {
        case .nestedByMetadata:
            return StateStoreUpdate(name: placement.name, directory: nestedDirectory(for: placement), replaceDirectory: true)
        case .aggregatedYAML:
            let remaining = destinationPlacements.filter { !Self.same($0, placement) && !$0.metadata.isBeingDeleted }
            if remaining.allSatisfy({ ($0.spec.workloads ?? []).isEmpty }) {
                return StateStoreUpdate(name: placement.name, deletions: [aggregatedFilePath])
            }
            return StateStoreUpdate(name: placement.name, directory: destinationPath,
                                    files: [StateStoreFile(path: aggregatedFilename, content: try Self.aggregatedContent(remaining))])
        case .none:
            let statePath = stateFilePath(for: placement)
            guard let stateFile else { return nil }
            let listed = try WorkPlacementStateFile(decoding: stateFile, path: statePath).files.map(normalisedEntry)
            return StateStoreUpdate(name: placement.name, deletions: Self.unique(listed + [statePath]))
        }
    }

    /// Entries written by older versions lack the `P/` prefix; they are joined onto it.
    func normalisedEntry(_ entry: String) -> String {
        entry.hasPrefix(pathPrefix) ? entry : StorePath.join(pathPrefix, entry)
    }

    // MARK: Content

    /// A placement's workloads, decompressed, with their paths as the pipeline wrote them.
    public static func files(of placement: WorkPlacement) throws(SchedulingError) -> [StateStoreFile] {
        var files: [StateStoreFile] = []
        for workload in placement.spec.workloads ?? [] {
            let path = workload.filepath ?? ""
            do {
                files.append(StateStoreFile(path: path, content: try WorkloadContent.decode(workload.content ?? "")))
            } catch {
                throw SchedulingError(.workloadContent(placement: placement.name, filepath: path, error))
            }
        }
        return files
    }

    /// The `aggregatedYAML` file: every placement not being deleted, sorted by name, each
    /// placement's workloads in spec order, joined by `"\n---\n"` with nothing before or after.
    public static func aggregatedContent(_ placements: [WorkPlacement]) throws(SchedulingError) -> [UInt8] {
        let active = placements.filter { !$0.metadata.isBeingDeleted }
            .sorted { ($0.name, $0.metadata.namespace ?? "") < ($1.name, $1.metadata.namespace ?? "") }
        var out: [UInt8] = []
        var first = true
        for placement in active {
            for file in try files(of: placement) {
                if !first { out += Array("\n---\n".utf8) }
                first = false
                out += file.content
            }
        }
        return out
    }

    static func same(_ a: WorkPlacement, _ b: WorkPlacement) -> Bool {
        a.name == b.name && (a.metadata.namespace ?? "") == (b.metadata.namespace ?? "")
    }

    static func unique(_ paths: [String]) -> [String] {
        var seen = Set<String>()
        return paths.filter { seen.insert($0).inserted }
    }
}
