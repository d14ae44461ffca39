import ArgumentParser
import KubeRuntime
import Logging

/// controller-runtime's zap flags, which upstream's manifests and users pass to the manager. They
/// map onto this manager's log format and level; the ones that tune zap's internals
/// (`--zap-stacktrace-level`, `--zap-time-encoding`) are checked and accepted, since the log lines
/// here carry no stack traces and always use RFC 3339 times, as upstream configures zap.
struct ZapOptions: ParsableArguments {
    @Flag(name: .customLong("zap-devel"), inversion: .prefixedNo, help: "Development mode: text lines at debug level (unless the flags below say otherwise).")
    var devel: Bool?
    @Option(name: .customLong("zap-encoder"), help: "json or console.") var encoder: String?
    @Option(name: .customLong("zap-log-level"), help: "debug, info, error, panic, or an integer > 0 for more verbosity.") var logLevel: String?
    @Option(name: .customLong("zap-stacktrace-level"), help: "info, error or panic (accepted; no stack traces are logged).") var stacktraceLevel: String?
    @Option(name: .customLong("zap-time-encoding"), help: "epoch, millis, nano, iso8601, rfc3339 or rfc3339nano (accepted; times are RFC 3339).")
    var timeEncoding: String?

    func validate() throws {
        if let encoder, !["json", "console"].contains(encoder) {
            throw ValidationError("invalid value \"\(encoder)\" for flag --zap-encoder: valid values are json and console")
        }
        if let logLevel, Self.level(logLevel) == nil {
            throw ValidationError("invalid value \"\(logLevel)\" for flag --zap-log-level: valid values are debug, info, error, panic or an integer > 0")
        }
        if let stacktraceLevel, !["info", "error", "panic"].contains(stacktraceLevel) {
            throw ValidationError("invalid value \"\(stacktraceLevel)\" for flag --zap-stacktrace-level: valid values are info, error and panic")
        }
        if let timeEncoding, !["epoch", "millis", "nano", "iso8601", "rfc3339", "rfc3339nano"].contains(timeEncoding) {
            throw ValidationError("invalid value \"\(timeEncoding)\" for flag --zap-time-encoding")
        }
    }

    /// The format and level these flags ask for, over `format` and `level` from the other flags.
    func resolve(format: LogFormat, level: Logger.Level) -> (LogFormat, Logger.Level) {
        var format = format
        var level = level
        if devel == true {
            format = .text
            level = .debug
        }
        if let encoder { format = encoder == "console" ? .text : .json }
        if let logLevel, let mapped = Self.level(logLevel) { level = mapped }
        return (format, level)
    }

    /// zap's levels as swift-log's: an integer above 1 is logr's V-level beyond debug.
    static func level(_ text: String) -> Logger.Level? {
        switch text {
        case "debug": return .debug
        case "info": return .info
        case "error": return .error
        case "panic", "dpanic", "fatal": return .critical
        default:
            guard let value = Int(text), value > 0 else { return nil }
            return value > 1 ? .trace : .debug
        }
    }
}
