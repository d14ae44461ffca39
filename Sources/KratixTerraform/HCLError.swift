/// A problem in an HCL file, placed at the character where it was found.
///
/// The description is `file:line:column: message`, the form editors and CI logs turn into links.
public struct HCLError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public init(file: String, at position: HCLPosition, _ message: String) {
        self.init(file: file, line: position.line, column: position.column, message: message)
    }

    public var description: String { "\(file):\(line):\(column): \(message)" }
}
