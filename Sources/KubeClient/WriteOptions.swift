/// Options of create and update.
public struct WriteOptions: Sendable, Equatable {
    /// Who makes the change, recorded in `managedFields`.
    public var fieldManager: String?
    /// Validate and default without storing (`dryRun=All`).
    public var dryRun: Bool
    /// `Strict` (unknown or duplicate fields are errors), `Warn` or `Ignore`.
    public var fieldValidation: String?

    public init(fieldManager: String? = nil, dryRun: Bool = false, fieldValidation: String? = nil) {
        self.fieldManager = fieldManager
        self.dryRun = dryRun
        self.fieldValidation = fieldValidation
    }

    var queryItems: [(String, String)] {
        var query: [(String, String)] = []
        if dryRun { query.append(("dryRun", "All")) }
        if let fieldManager, !fieldManager.isEmpty { query.append(("fieldManager", fieldManager)) }
        if let fieldValidation, !fieldValidation.isEmpty { query.append(("fieldValidation", fieldValidation)) }
        return query
    }
}
