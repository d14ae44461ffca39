import Foundation

/// A file a generator produces, relative to the output directory, written only by the caller so
/// generation stays a pure function that tests can inspect.
public struct GeneratedFile: Sendable, Equatable {
    public var path: String
    public var contents: String
    public var executable: Bool

    public init(path: String, contents: String, executable: Bool = false) {
        self.path = path
        self.contents = contents
        self.executable = executable
    }

    /// Writes the files under `directory`, creating folders as needed.
    public static func write(_ files: [GeneratedFile], to directory: URL) throws(TerraformError) {
        let manager = FileManager.default
        for file in files {
            let url = directory.appendingPathComponent(file.path)
            do {
                try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(file.contents.utf8).write(to: url)
                if file.executable {
                    try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
                }
            } catch {
                throw TerraformError("cannot write the file: \(error.localizedDescription)", file: url.path)
            }
        }
    }
}
