/// A validated update with every path resolved relative to the repository root, computed before
/// anything touches the working tree so an unsafe path fails the update with nothing written.
struct GitUpdatePlan: Sendable {
    struct File: Sendable { var path: String; var content: [UInt8] }

    var update: StateStoreUpdate
    /// Repository-relative directory to replace wholesale, when the update asks for it.
    var replacedDirectory: String?
    var files: [File]
    var deletions: [String]

    /// Paths compose as upstream's `join(<clone>, trimLeadingSlash(clean(S)), subDir, filepath)`.
    init(_ update: StateStoreUpdate, storePath: String) throws(StateStoreError) {
        self.update = update
        let store = StorePath.trimLeadingSlash(try StorePath.validatedStorePath(storePath, field: "spec.path"))
        let directory = try StorePath.validatedStorePath(update.directory, field: "directory")
        let base = StorePath.trimLeadingSlash(StorePath.join(store, directory))
        let baseInRepo = base == "." ? "" : base
        if update.replaceDirectory {
            replacedDirectory = baseInRepo
            if baseInRepo.isEmpty && update.files.isEmpty {
                throw StateStoreError(.unsafePath(path: update.directory, reason: "refusing to delete the whole state store"))
            }
        }
        var seen = Set<String>()
        files = []
        for file in update.files {
            let relative = try StorePath.validatedRelativeFile(file.path)
            let path = StorePath.join(baseInRepo, relative)
            try GitUpdatePlan.checkNotGitMetadata(path, original: file.path)
            if seen.insert(path).inserted {
                files.append(File(path: path, content: file.content))
            } else if let i = files.firstIndex(where: { $0.path == path }) {
                files[i].content = file.content // the last one wins, as sequential writes would
            }
        }
        deletions = []
        for path in update.deletions {
            let cleaned = try StorePath.validatedStorePath(path, field: "deletion")
            let full = StorePath.trimLeadingSlash(StorePath.join(store, cleaned))
            guard !full.isEmpty, full != "." else {
                throw StateStoreError(.unsafePath(path: path, reason: "a deletion must name a file"))
            }
            try GitUpdatePlan.checkNotGitMetadata(full, original: path)
            deletions.append(full)
        }
        if let replacedDirectory { try GitUpdatePlan.checkNotGitMetadata(replacedDirectory, original: update.directory) }
    }

    /// Writing into `.git` would let pipeline output rewrite the repository's own configuration
    /// and hooks.
    static func checkNotGitMetadata(_ path: String, original: String) throws(StateStoreError) {
        if path.split(separator: "/").contains(where: { $0 == ".git" }) {
            throw StateStoreError(.unsafePath(path: original, reason: "paths inside .git are not allowed"))
        }
    }
}
