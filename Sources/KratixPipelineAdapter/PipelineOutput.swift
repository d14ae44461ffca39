import Foundation
import KubeModel

/// The files a pipeline left in its output directory, read once and checked, so that turning them
/// into a Work is a pure function.
///
/// Checks, each failing with the offending file named: a symbolic link may only point to a regular
/// file inside the output directory (a link out of it would publish whatever it points at); YAML
/// files (`.yaml`, `.yml`) must parse, because a destination would choke on them later, far from
/// the pipeline that wrote them.
public struct PipelineOutput: Sendable, Equatable {
    public struct File: Sendable, Equatable {
        /// Relative to the output directory, `/`-separated (`dest1/configmap.yaml`).
        public var path: String
        public var contents: [UInt8]

        public init(path: String, contents: [UInt8]) {
            self.path = path
            self.contents = contents
        }
    }

    /// In walk order: entries sorted by name at each level, depth first (Go's `os.ReadDir` order).
    public var files: [File]
    /// Names of the top-level directories, including empty ones.
    public var topLevelDirectories: Set<String>

    /// `.yaml` files that do not parse, with why. They are stored as written all the same, as
    /// upstream stores every file's bytes: the work-creator only warns about them.
    public var invalidYAML: [InvalidFile] = []

    /// A file that is not what its name says, and why.
    public struct InvalidFile: Sendable, Equatable {
        public var path: String
        public var message: String
    }

    public init(files: [File], topLevelDirectories: Set<String>) {
        self.files = files
        self.topLevelDirectories = topLevelDirectories
    }

    /// Reads every file under `directory`. A missing directory reads as empty. With `validateYAML`,
    /// `.yaml` files that do not parse are listed in ``invalidYAML``.
    public static func read(directory: String, validateYAML: Bool = true) throws(PipelineAdapterError) -> PipelineOutput {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            return PipelineOutput(files: [], topLevelDirectories: [])
        }
        guard isDirectory.boolValue else {
            throw PipelineAdapterError(.invalidPipelineOutput, file: directory, message: "is not a directory")
        }
        let root = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
        var reader = Walker(root: root, validateYAML: validateYAML)
        try reader.walk(relative: "")
        var output = PipelineOutput(files: reader.files, topLevelDirectories: reader.topLevelDirectories)
        output.invalidYAML = reader.invalidYAML
        return output
    }

    private struct Walker {
        let root: String
        let validateYAML: Bool
        var files: [File] = []
        var topLevelDirectories = Set<String>()
        var invalidYAML: [InvalidFile] = []

        mutating func walk(relative: String) throws(PipelineAdapterError) {
            let fm = FileManager.default
            let absolute = relative.isEmpty ? root : root + "/" + relative
            let names: [String]
            do {
                names = try fm.contentsOfDirectory(atPath: absolute)
            } catch {
                throw PipelineAdapterError(.io, file: absolute, message: "cannot be listed: \(error.localizedDescription)")
            }
            for name in names.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
                let path = relative.isEmpty ? name : relative + "/" + name
                let full = root + "/" + path
                let type = (try? fm.attributesOfItem(atPath: full)[.type] as? FileAttributeType) ?? nil
                switch type {
                case .typeDirectory?:
                    if relative.isEmpty { topLevelDirectories.insert(name) }
                    try walk(relative: path)
                case .typeRegular?:
                    try add(path: path, readingFrom: full)
                case .typeSymbolicLink?:
                    let target = URL(fileURLWithPath: full).resolvingSymlinksInPath().path
                    guard target.hasPrefix(root + "/") else {
                        throw PipelineAdapterError(.invalidPipelineOutput, file: full,
                                                   message: "is a symbolic link to \(target), outside the output directory")
                    }
                    var targetIsDirectory: ObjCBool = false
                    guard fm.fileExists(atPath: target, isDirectory: &targetIsDirectory), !targetIsDirectory.boolValue else {
                        throw PipelineAdapterError(.invalidPipelineOutput, file: full,
                                                   message: "is a symbolic link to something other than a regular file")
                    }
                    try add(path: path, readingFrom: target)
                default:
                    throw PipelineAdapterError(.invalidPipelineOutput, file: full, message: "is not a regular file or directory")
                }
            }
        }

        mutating func add(path: String, readingFrom full: String) throws(PipelineAdapterError) {
            guard let data = FileManager.default.contents(atPath: full) else {
                throw PipelineAdapterError(.io, file: root + "/" + path, message: "cannot be read")
            }
            let bytes = [UInt8](data)
            if validateYAML, path.hasSuffix(".yaml") || path.hasSuffix(".yml") {
                do {
                    _ = try YAMLReader.documents(in: bytes, source: path)
                } catch {
                    invalidYAML.append(InvalidFile(path: root + "/" + path, message: "invalid YAML: \(error.message)"))
                }
            }
            files.append(File(path: path, contents: bytes))
        }
    }
}
