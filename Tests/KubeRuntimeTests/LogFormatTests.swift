import Foundation
import Logging
import Synchronization
import Testing

@testable import KubeRuntime

@Suite struct LogFormatTests {
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        var stream: LogStream { LogStream { line in self.lines.withLock { $0.append(line) } } }
    }

    @Test func jsonLinesCarryLevelMessageAndReconcileMetadata() throws {
        let sink = Lines()
        var logger = Logger(label: "kratix.controller") { JSONLogHandler(label: $0, stream: sink.stream) }
        logger[metadataKey: "controller"] = "promise"
        logger[metadataKey: "name"] = "redis"
        logger.info("reconcile \"started\"\nnext line", metadata: ["reconcileID": "abc"])
        let line = try #require(sink.lines.withLock { $0.first })
        #expect(line.hasSuffix("}\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["level"] as? String == "info")
        #expect(object["msg"] as? String == "reconcile \"started\"\nnext line")
        #expect(object["controller"] as? String == "promise")
        #expect(object["name"] as? String == "redis")
        #expect(object["reconcileID"] as? String == "abc")
        #expect(object["logger"] as? String == "kratix.controller")
        #expect((object["ts"] as? String)?.hasSuffix("Z") == true)
    }

    @Test func textLinesPutTheControllerFirstAndMetadataAfter() throws {
        let sink = Lines()
        var logger = Logger(label: "kratix") { TextLogHandler(label: $0, stream: sink.stream) }
        logger[metadataKey: "controller"] = "work"
        logger.warning("store unreachable", metadata: ["store": "default"])
        let line = try #require(sink.lines.withLock { $0.first })
        #expect(line.contains("WARNING [work] store unreachable store=default"))
    }

    /// The config's `logging.*` arrives after the loggers exist: format and level change for all of
    /// them, except a level a logger set for itself.
    @Test func settingsChangeFormatAndLevelOfExistingLoggers() throws {
        let sink = Lines()
        let settings = LogSettings(format: .json, level: .info)
        let logger = Logger(label: "kratix") { SwitchableLogHandler(label: $0, stream: sink.stream, settings: settings) }
        var chatty = Logger(label: "kratix.chatty") { SwitchableLogHandler(label: $0, stream: sink.stream, settings: settings) }
        chatty.logLevel = .debug
        logger.debug("hidden")
        logger.info("as json")
        settings.update(format: .text, level: .warning)
        logger.info("hidden too")
        logger.warning("as text")
        chatty.debug("still shown")
        let lines = sink.lines.withLock { $0 }
        #expect(lines.count == 3, "\(lines)")
        #expect(lines[0].hasPrefix("{") && lines[0].contains("as json"))
        #expect(!lines[1].hasPrefix("{") && lines[1].contains("WARNING as text"))
        #expect(lines[2].contains("still shown"))
    }
}
