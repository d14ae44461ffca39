import Foundation
import KubeModel

/// `/kratix/metadata/workflow-control.yaml` (§5.9): how a pipeline asks to suspend its workflow or
/// to be retried later.
public struct WorkflowControl: Sendable, Equatable {
    public var suspend: Bool
    /// A Go duration; non-empty means "retry", which wins over `suspend`.
    public var retryAfter: String?
    public var message: String?

    public init(suspend: Bool = false, retryAfter: String? = nil, message: String? = nil) {
        self.suspend = suspend
        self.retryAfter = retryAfter
        self.message = message
    }

    /// Whether the pipeline asked to retry.
    public var retries: Bool { !(retryAfter ?? "").isEmpty }

    /// Whether the run stops here: no Work is written and the workflow is not marked complete.
    public var suspendsOrRetries: Bool { suspend || retries }

    /// The retry delay; an error naming the file when `retryAfter` is not a Go duration (`1d` is not).
    public func retryDelay(file: String) throws(PipelineAdapterError) -> Duration? {
        guard let text = retryAfter, !text.isEmpty else { return nil }
        guard let delay = GoDuration.parse(text) else {
            throw PipelineAdapterError(.invalidPipelineOutput, file: file,
                                       message: "retryAfter: invalid duration \"\(text)\" (expected a Go duration such as 10m or 1h30m)")
        }
        return delay
    }

    /// Parses the file's text; an empty file asks for nothing.
    public static func parse(_ text: String, file: String) throws(PipelineAdapterError) -> WorkflowControl {
        let value = try PipelineFiles.yamlDocument(text, file: file)
        guard let object = value.objectValue else {
            if value.isNull { return WorkflowControl() }
            throw PipelineAdapterError(.invalidPipelineOutput, file: file, message: "expected a map, found \(value.typeName)")
        }
        var control = WorkflowControl()
        for (key, member) in object {
            switch (key, member) {
            case ("suspend", .bool(let b)): control.suspend = b
            case ("suspend", .null): break
            case ("retryAfter", .string(let s)): control.retryAfter = s
            case ("retryAfter", .null): break
            case ("message", .string(let s)): control.message = s
            case ("message", .null): break
            case ("suspend", _):
                throw PipelineAdapterError(.invalidPipelineOutput, file: file, message: "suspend: expected boolean, found \(member.typeName)")
            case ("retryAfter", _), ("message", _):
                throw PipelineAdapterError(.invalidPipelineOutput, file: file, message: "\(key): expected string, found \(member.typeName)")
            default:
                continue  // Unknown keys are ignored, as upstream's decoder does.
            }
        }
        return control
    }

    /// Reads the file if it exists.
    public static func read(at path: String) throws(PipelineAdapterError) -> WorkflowControl {
        guard let text = try PipelineFiles.readOptionalText(path) else { return WorkflowControl() }
        return try parse(text, file: path)
    }
}
