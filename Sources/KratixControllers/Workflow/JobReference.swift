/// A Job to act on, by name.
public struct JobReference: Sendable, Hashable, CustomStringConvertible {
    public var namespace: String
    public var name: String

    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    init(_ job: WorkflowJob) { self.init(namespace: job.namespace, name: job.name) }

    public var description: String { "\(namespace)/\(name)" }
}
