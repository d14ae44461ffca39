import Foundation
import KubeModel
import Logging
import Synchronization

/// The image map the runner consults for every container: the user's map files, each re-read
/// whenever it changes (so `kratix dev` picks up edits without a restart), behind the built-in
/// entries that map the pipeline adapter image to the running `kratix` binary.
///
/// Several files act as one map, their entries in order: an exact reference in any file wins over a
/// repository entry, and among equals the earlier file wins.
public final class ImageCatalog: Sendable {
    /// The upstream adapter repository: Kratix's own Jobs name it unless `PIPELINE_ADAPTER_IMG` says otherwise.
    public static let upstreamPipelineAdapterRepository = "ghcr.io/syntasso/kratix-platform-pipeline-adapter"

    public struct Configuration: Sendable {
        /// The YAML map file; `nil` maps only the pipeline adapter.
        public var mapPath: String?
        /// More map files, consulted after ``mapPath`` (`kratix dev` adds the examples' map).
        public var additionalMapPaths: [String]
        /// The running `kratix` binary: the adapter image runs as `<kratix> pipeline-adapter <args>`.
        public var kratixExecutable: String
        /// `PIPELINE_ADAPTER_IMG` as the manager is configured; mapped like the upstream repository.
        public var pipelineAdapterImage: String?

        public init(mapPath: String?, additionalMapPaths: [String] = [], kratixExecutable: String, pipelineAdapterImage: String? = nil) {
            self.mapPath = mapPath
            self.additionalMapPaths = additionalMapPaths
            self.kratixExecutable = kratixExecutable
            self.pipelineAdapterImage = pipelineAdapterImage
        }
    }

    /// What identifies one version of the map file, checked on every lookup.
    private struct FileSignature: Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modified: Int64
        var modifiedNanoseconds: Int64
    }

    /// One map file as last read.
    private struct FileState {
        var signature: FileSignature?
        var map = ImageMap()
        var loaded = false
        var lastError: String?
    }

    public let configuration: Configuration
    private let builtIn: ImageMap
    private let files = Mutex<[String: FileState]>([:])
    private let logger: Logger

    public init(configuration: Configuration, logger: Logger = Logger(label: "kratix.runner.images")) {
        self.configuration = configuration
        self.logger = logger
        let adapter = [configuration.kratixExecutable, "pipeline-adapter"]
        let commands = ["/bin/pipeline-adapter": adapter, "pipeline-adapter": adapter]
        var images = [Self.upstreamPipelineAdapterRepository]
        if let configured = configuration.pipelineAdapterImage, !configured.isEmpty { images.insert(configured, at: 0) }
        builtIn = ImageMap(entries: images.map { ImageMap.Entry(image: $0, command: adapter, commands: commands) })
    }

    /// The program for `image`, reading map files again first if they changed.
    public func entry(for image: String) throws(ImageLookupError) -> ImageMap.Entry {
        if let entry = builtIn.entry(for: image) { return entry }
        let paths = (configuration.mapPath.map { [$0] } ?? []) + configuration.additionalMapPaths
        guard !paths.isEmpty else { throw .notMapped(image: image, mapPath: nil) }
        var merged = ImageMap()
        var unreadable: ImageLookupError?
        for path in paths {
            switch currentMap(path: path) {
            case .success(let map): merged.entries += map.entries
            case .failure(let error): unreadable = unreadable ?? error
            }
        }
        if let entry = merged.entry(for: image) { return withKratix(entry) }
        throw unreadable ?? .notMapped(image: image, mapPath: paths.joined(separator: ", "))
    }

    /// A map's `kratix` program is this very binary (the one running the runner), whatever PATH
    /// says, so mapped kratix-cli stage images (`kratix terraform-generate`, …) run the stages of
    /// the same build.
    private func withKratix(_ entry: ImageMap.Entry) -> ImageMap.Entry {
        var entry = entry
        func replaced(_ argv: [String]) -> [String] {
            argv.first == "kratix" ? [configuration.kratixExecutable] + argv.dropFirst() : argv
        }
        entry.command = replaced(entry.command)
        entry.commands = entry.commands.mapValues(replaced)
        return entry
    }

    private func currentMap(path: String) -> Result<ImageMap, ImageLookupError> {
        files.withLock { files in
            var state = files[path] ?? FileState()
            defer { files[path] = state }
            let signature = Self.signature(of: path)
            if state.loaded, signature == state.signature { return .success(state.map) }
            do {
                guard signature != nil else { throw MapReadError(message: "no such file") }
                let text: String
                do {
                    text = try String(contentsOfFile: path, encoding: .utf8)
                } catch {
                    throw MapReadError(message: "\(error.localizedDescription)")
                }
                do {
                    state.map = try ImageMap(yaml: text, source: path)
                } catch let error as ModelError {
                    throw MapReadError(message: error.description)
                }
                state.signature = signature
                state.loaded = true
                state.lastError = nil
                logger.info("image map loaded", metadata: ["path": "\(path)", "entries": "\(state.map.entries.count)"])
                return .success(state.map)
            } catch {
                // A half-written file (an editor saving in place) must not unmap every image: keep the
                // last good map, and say once per file version what is wrong.
                let message = (error as? MapReadError)?.message ?? "\(error)"
                if state.lastError != message || state.signature != signature {
                    logger.warning("image map could not be read", metadata: ["path": "\(path)", "error": "\(message)"])
                }
                state.lastError = message
                state.signature = signature
                if state.loaded { return .success(state.map) }
                return .failure(.mapUnreadable(path: path, reason: message))
            }
        }
    }

    private struct MapReadError: Error { var message: String }

    private static func signature(of path: String) -> FileSignature? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileSignature(
            device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
            modified: Int64(info.st_mtim.tv_sec), modifiedNanoseconds: Int64(info.st_mtim.tv_nsec))
    }
}
