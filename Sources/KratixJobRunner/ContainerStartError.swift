/// Why a container could not be started: shown as its `state.waiting` reason and message, as a
/// kubelet shows them, after which the pod fails.
struct ContainerStartError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `ErrImagePull`, `CreateContainerConfigError` or `CreateContainerError`.
    var reason: String
    var message: String

    static func config(_ message: String) -> ContainerStartError {
        ContainerStartError(reason: "CreateContainerConfigError", message: message)
    }

    static func create(_ message: String) -> ContainerStartError {
        ContainerStartError(reason: "CreateContainerError", message: message)
    }

    var description: String { "\(reason): \(message)" }
}
