/// What went wrong in an authoring command, said so a Promise author can act on it: the file or
/// flag at fault and why. The command line prints `description` as it is, without usage text.
public struct AuthoringError: Error, CustomStringConvertible, Equatable, Sendable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
