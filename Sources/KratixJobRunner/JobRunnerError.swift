/// Why the runner cannot run at all (as opposed to a pod failing, which is reported on the pod).
public enum JobRunnerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Containers cannot be given a private mount namespace on this machine.
    case isolationUnavailable(String)
    /// The configuration is unusable (a missing kratix executable, an empty work directory path…).
    case invalidConfiguration(String)

    public var description: String {
        switch self {
        case .isolationUnavailable(let why): return "the job runner cannot isolate containers: \(why)"
        case .invalidConfiguration(let why): return "invalid job runner configuration: \(why)"
        }
    }
}
