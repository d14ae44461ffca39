import KubeModel

/// One `variable "<name>" { ... }` block, reduced to the three attributes upstream reads.
///
/// `nullable`, `sensitive`, `ephemeral` and `validation` blocks are ignored, as upstream does.
public struct TerraformVariable: Sendable, Equatable {
    public var name: String
    /// The type in upstream's normalised text form; empty when the block has no `type`.
    public var typeText: String
    /// The decoded type; nil when the block has no `type`.
    public var type: TerraformType?
    /// Nil when absent or empty.
    public var description: String?
    /// The constant default; nil when absent, `null`, or not a constant expression.
    public var defaultValue: JSONValue?
    public var position: HCLPosition

    public init(
        name: String, typeText: String = "", type: TerraformType? = nil, description: String? = nil,
        defaultValue: JSONValue? = nil, position: HCLPosition = .start
    ) {
        self.name = name
        self.typeText = typeText
        self.type = type
        self.description = description
        self.defaultValue = defaultValue
        self.position = position
    }
}
