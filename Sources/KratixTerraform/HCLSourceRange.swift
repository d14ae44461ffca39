/// A point in an HCL source file.
///
/// Columns count Unicode scalars, not bytes, so a position printed as `file:line:column` lands on
/// the character an editor shows even after non-ASCII text.
public struct HCLPosition: Sendable, Equatable, Hashable {
    /// Byte offset into the UTF-8 source.
    public var offset: Int
    /// One-based line.
    public var line: Int
    /// One-based column.
    public var column: Int

    public init(offset: Int, line: Int, column: Int) {
        self.offset = offset
        self.line = line
        self.column = column
    }

    public static let start = HCLPosition(offset: 0, line: 1, column: 1)
}

/// The source span an expression or body item was read from; the raw text of a span is what
/// upstream keeps for object and tuple type arguments and for descriptions that cannot be evaluated.
public struct HCLSourceRange: Sendable, Equatable, Hashable {
    public var start: HCLPosition
    public var end: HCLPosition

    public init(start: HCLPosition, end: HCLPosition) {
        self.start = start
        self.end = end
    }
}
