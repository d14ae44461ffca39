/// A failure of the Terraform generators that is not an HCL syntax error: bad flags, a module
/// that cannot be fetched, a request object missing a field.
public struct TerraformError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// The file the problem is in, when there is one.
    public var file: String?
    /// The field (`metadata.namespace`) or flag (`--module-registry-version`) at fault.
    public var field: String?

    public init(_ message: String, file: String? = nil, field: String? = nil) {
        self.message = message
        self.file = file
        self.field = field
    }

    public var description: String {
        var prefix = ""
        if let file { prefix += "\(file): " }
        if let field { prefix += "\(field): " }
        return prefix + message
    }
}
