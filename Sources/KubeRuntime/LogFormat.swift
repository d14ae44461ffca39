import Foundation
import Logging
import Synchronization

/// How the process writes logs: JSON lines for production (one object per line, as zap's
/// production encoder that controller-runtime users parse), or a readable line for terminals.
public enum LogFormat: String, Sendable, CaseIterable {
    case json
    case text

    /// Installs the format process-wide at `level`; call once, before any logger is made. The
    /// returned settings change format and level later for every logger (the manager reads
    /// `logging.*` from the `kratix` ConfigMap only once it can reach the API server).
    @discardableResult
    /// `prefix` names the root logger (upstream's `KRATIX_LOGGER_PREFIX`): every logger's name
    /// starts with it, as logr's `WithName` joins names with a dot.
    public static func bootstrap(_ format: LogFormat, level: Logger.Level, stream: LogStream = .standardError, prefix: String = "") -> LogSettings {
        let settings = LogSettings(format: format, level: level)
        LoggingSystem.bootstrap { label in
            SwitchableLogHandler(label: prefix.isEmpty ? label : "\(prefix).\(label)", stream: stream, settings: settings)
        }
        return settings
    }
}

/// The process's log format and level, changeable while it runs.
public final class LogSettings: Sendable {
    private let state: Mutex<(format: LogFormat, level: Logger.Level)>

    public init(format: LogFormat, level: Logger.Level) {
        state = Mutex((format, level))
    }

    public var format: LogFormat { state.withLock { $0.format } }
    public var level: Logger.Level { state.withLock { $0.level } }

    public func update(format: LogFormat? = nil, level: Logger.Level? = nil) {
        state.withLock { current in
            if let format { current.format = format }
            if let level { current.level = level }
        }
    }
}

/// Writes each line in the format and at the level ``LogSettings`` hold at that moment; a level
/// set on one logger (tests do) stays that logger's.
struct SwitchableLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    let label: String
    let stream: LogStream
    let settings: LogSettings
    private var levelOverride: Logger.Level?

    init(label: String, stream: LogStream, settings: LogSettings) {
        self.label = label
        self.stream = stream
        self.settings = settings
    }

    var logLevel: Logger.Level {
        get { levelOverride ?? settings.level }
        set { levelOverride = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        switch settings.format {
        case .json:
            var handler = JSONLogHandler(label: label, stream: stream)
            handler.metadata = metadata
            handler.metadataProvider = metadataProvider
            handler.log(event: event)
        case .text:
            var handler = TextLogHandler(label: label, stream: stream)
            handler.metadata = metadata
            handler.metadataProvider = metadataProvider
            handler.log(event: event)
        }
    }
}

/// Where log lines go; a line is written with one `write(2)` so lines from concurrent tasks do not
/// interleave.
public struct LogStream: Sendable {
    let write: @Sendable (String) -> Void

    public init(_ write: @escaping @Sendable (String) -> Void) { self.write = write }

    public static let standardError = LogStream { line in
        var line = line
        line.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Foundation.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if n <= 0 { return }
                offset += n
            }
        }
    }
}

extension LogHandler {
    /// The handler's metadata, then the provider's, then the event's, later ones winning: what
    /// both handlers print.
    func mergedMetadata(_ event: LogEvent) -> Logger.Metadata {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { $1 } }
        if let extra = event.metadata { all.merge(extra) { $1 } }
        return all
    }
}

/// One JSON object per line: `level`, `ts` (RFC 3339 with milliseconds), `logger`, `msg`, then
/// metadata (controller, namespace, name, reconcileID ...) as top-level keys.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public var metadataProvider: Logger.MetadataProvider?
    let label: String
    let stream: LogStream

    public init(label: String, stream: LogStream = .standardError) {
        self.label = label
        self.stream = stream
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let all = mergedMetadata(event)
        var line = "{\"level\":\(Self.quote(event.level.rawValue)),\"ts\":\(Self.quote(Self.timestamp())),\"logger\":\(Self.quote(label)),\"msg\":\(Self.quote(event.message.description))"
        for key in all.keys.sorted() where !["level", "ts", "logger", "msg"].contains(key) {
            line += ",\(Self.quote(key)):\(Self.json(all[key]!))"
        }
        line += "}\n"
        stream.write(line)
    }

    static func json(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let s): quote(s)
        case .stringConvertible(let c): quote(c.description)
        case .array(let a): "[" + a.map(json).joined(separator: ",") + "]"
        case .dictionary(let d): "{" + d.keys.sorted().map { quote($0) + ":" + json(d[$0]!) }.joined(separator: ",") + "}"
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func timestamp() -> String {
        let now = Date()
        var t = time_t(now.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&t, &parts)
        let millis = Int((now.timeIntervalSince1970 - Double(t)) * 1000)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                      parts.tm_hour, parts.tm_min, parts.tm_sec, millis)
    }
}

/// `15:04:05.000 INFO  [controller] message key=value ...` for people at a terminal.
public struct TextLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public var metadataProvider: Logger.MetadataProvider?
    let label: String
    let stream: LogStream

    public init(label: String, stream: LogStream = .standardError) {
        self.label = label
        self.stream = stream
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let all = mergedMetadata(event)
        let timestamp = JSONLogHandler.timestamp()
        let time = timestamp.dropFirst(11).dropLast()
        let level = event.level.rawValue.uppercased().padding(toLength: 7, withPad: " ", startingAt: 0)
        var line = "\(time) \(level) \(all["controller"].map { "[\($0)] " } ?? "")\(event.message)"
        for key in all.keys.sorted() where key != "controller" {
            line += " \(key)=\(all[key]!)"
        }
        stream.write(line + "\n")
    }
}
