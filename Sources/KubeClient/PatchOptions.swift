/// Options of a patch.
public struct PatchOptions: Sendable, Equatable {
    /// Who makes the change; required for server-side apply.
    public var fieldManager: String?
    /// Server-side apply only: take ownership of fields another manager owns instead of failing with a conflict.
    public var force: Bool?
    public var dryRun: Bool
    /// `Strict`, `Warn` or `Ignore`.
    public var fieldValidation: String?

    public init(fieldManager: String? = nil, force: Bool? = nil, dryRun: Bool = false, fieldValidation: String? = nil) {
        self.fieldManager = fieldManager
        self.force = force
        self.dryRun = dryRun
        self.fieldValidation = fieldValidation
    }

    func queryItems(isApply: Bool) -> [(String, String)] {
        var query: [(String, String)] = []
        if dryRun { query.append(("dryRun", "All")) }
        if let fieldManager, !fieldManager.isEmpty { query.append(("fieldManager", fieldManager)) }
        // The server rejects `force` on anything but apply patches.
        if isApply, let force { query.append(("force", force ? "true" : "false")) }
        if let fieldValidation, !fieldValidation.isEmpty { query.append(("fieldValidation", fieldValidation)) }
        return query
    }
}
