/// Why the configuration could not be read. `field` is the dotted path inside the YAML.
public struct KratixConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var source: String
    public var field: String?
    public var message: String

    public init(source: String = KratixConfiguration.source, field: String?, message: String) {
        self.source = source
        self.field = field
        self.message = message
    }

    public var description: String {
        if let field { return "\(source): \(field): \(message)" }
        return "\(source): \(message)"
    }
}
