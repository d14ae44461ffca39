import Foundation

/// One file to write: a path relative to the update's directory, and its (decompressed) bytes.
public struct StateStoreFile: Sendable, Equatable {
    public var path: String
    public var content: [UInt8]

    public init(path: String, content: [UInt8]) {
        self.path = path
        self.content = content
    }

    public init(path: String, text: String) {
        self.init(path: path, content: Array(text.utf8))
    }
}

/// One atomic change to a state store, the unit upstream calls `UpdateFiles`.
///
/// `directory` is relative to the store's own `spec.path`. When `replaceDirectory` is set (the
/// `nestedByMetadata` layout) everything under `directory` is replaced wholesale by `files`, so an
/// update with no files deletes the directory. Otherwise `files` are added or replaced in place and
/// `deletions` (paths relative to the store root, as upstream's delete list) are removed if present.
public struct StateStoreUpdate: Sendable, Equatable {
    /// The WorkPlacement (or `kratix-canary`) this change is for; it names the commit.
    public var name: String
    public var directory: String
    public var replaceDirectory: Bool
    public var files: [StateStoreFile]
    public var deletions: [String]

    public init(name: String, directory: String = "", replaceDirectory: Bool = false,
                files: [StateStoreFile] = [], deletions: [String] = []) {
        self.name = name
        self.directory = directory
        self.replaceDirectory = replaceDirectory
        self.files = files
        self.deletions = deletions
    }

    /// Upstream's commit message: `Update from: <name>` when anything is created or replaced,
    /// `Delete from: <name>` when the change only removes.
    public var commitMessage: String {
        files.isEmpty ? "Delete from: \(name)" : "Update from: \(name)"
    }
}

/// What a write did.
public struct WriteResult: Sendable, Equatable {
    /// Git: the commit SHA of the branch after the write (the previous head when nothing changed).
    /// S3: the hex SHA-256 chained over the version ids of the uploads (`""` when nothing was
    /// uploaded), as upstream reports it.
    public var versionID: String
    /// Whether the store's contents differ from before. Upstream leaves `status.versionID` alone when
    /// this is false.
    public var changed: Bool

    public init(versionID: String, changed: Bool) {
        self.versionID = versionID
        self.changed = changed
    }
}

/// Writes Destination documents to a GitOps state store (a Git repository or an S3 bucket).
///
/// All paths are relative to the store's `spec.path` and are composed with Go `filepath.Join`
/// semantics (``StorePath``). A file path that is absolute or escapes its directory fails the whole
/// update with ``StateStoreError/Reason/unsafePath(path:reason:)`` before anything is written.
/// One writer serves every Destination on its store; implementations serialise writes themselves.
public protocol StateStoreWriter: Sendable {
    /// Applies one change atomically (Git: one commit; S3: uploads first, deletions last).
    func update(_ update: StateStoreUpdate) async throws(StateStoreError) -> WriteResult

    /// The bytes of a file relative to the store path, or nil when it does not exist.
    func readFile(_ path: String) async throws(StateStoreError) -> [UInt8]?

    /// Checks that the credentials may write (Git: a no-op push; S3: an aborted multipart upload).
    func validatePermissions() async throws(StateStoreError)
}

extension StateStoreWriter {
    /// Removes everything under `directory` (upstream's `UpdateFiles(dir, name, nil, nil)`), with the
    /// commit message `Delete from: <name>`.
    public func deleteDirectory(_ directory: String, name: String) async throws(StateStoreError) -> WriteResult {
        try await update(StateStoreUpdate(name: name, directory: directory, replaceDirectory: true))
    }
}
