/// `LIFECYCLE/ACTION/PIPELINE`, the argument of `add container` and `build container`.
public struct PipelinePath: Sendable, Equatable, CustomStringConvertible {
    public var lifecycle: String
    public var action: String
    public var pipeline: String

    /// Splits on `/` only; the parts are checked by ``validate()``, as upstream checks them later.
    public init(parsing text: String) throws(AuthoringError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3 else {
            throw AuthoringError("invalid pipeline format: \(text), expected format: LIFECYCLE/ACTION/PIPELINE-NAME")
        }
        lifecycle = parts[0]
        action = parts[1]
        pipeline = parts[2]
    }

    public init(lifecycle: String, action: String, pipeline: String) {
        self.lifecycle = lifecycle
        self.action = action
        self.pipeline = pipeline
    }

    public func validate() throws(AuthoringError) {
        guard lifecycle == "promise" || lifecycle == "resource" else {
            throw AuthoringError("invalid lifecycle: \(lifecycle), expected one of: promise, resource")
        }
        guard action == "configure" || action == "delete" else {
            throw AuthoringError("invalid action: \(action), expected one of: configure, delete")
        }
        guard !pipeline.isEmpty else { throw AuthoringError("pipeline name cannot be empty") }
    }

    public var description: String { "\(lifecycle)/\(action)/\(pipeline)" }
    /// `workflows/<lifecycle>/<action>`.
    public var workflowDirectory: String { "workflows/\(lifecycle)/\(action)" }
}
