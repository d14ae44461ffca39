/// Why a pipeline adapter step failed. The step's container then exits non-zero, which fails the
/// Job: the message is what a Promise author sees in the pod log, so it names the file at fault.
public struct PipelineAdapterError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// A file the pipeline wrote is not what the contract allows (bad YAML, a path escaping the
        /// output directory, a status that is not a map, a reserved key).
        case invalidPipelineOutput
        /// A required environment variable or flag is missing or malformed.
        case invalidConfiguration
        /// The object or the Work could not be read or written.
        case request
        /// Reading or writing a local file failed.
        case io
    }

    public var kind: Kind
    /// The file (or object) the error is about, when there is one.
    public var file: String?
    public var message: String

    public init(_ kind: Kind, file: String? = nil, message: String) {
        self.kind = kind
        self.file = file
        self.message = message
    }

    public var description: String {
        if let file { return "\(file): \(message)" }
        return message
    }
}
