import KubeClient
import KubeModel
import Testing

@Suite struct WatchFramingTests {
    func event(_ type: String, _ name: String, rv: String) -> String {
        #"{"type":"\#(type)","object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"\#(name)","namespace":"default","resourceVersion":"\#(rv)"}}}"#
    }

    /// Feeds chunks through the framer and decoder as the watch iterator does.
    func decodeAll(_ chunks: [String]) throws -> [WatchEvent] {
        try decodeAll(chunks.map { Array($0.utf8) })
    }

    func decodeAll(_ chunks: [[UInt8]]) throws -> [WatchEvent] {
        var framer = WatchLineFramer()
        var events: [WatchEvent] = []
        for chunk in chunks {
            try framer.append(chunk)
            while let line = framer.nextLine() {
                if let event = try WatchEventDecoder.decode(line) { events.append(event) }
            }
        }
        if let rest = framer.finish(), let event = try WatchEventDecoder.decode(rest) { events.append(event) }
        return events
    }

    @Test func lineSplitAcrossChunks() throws {
        let line = event("ADDED", "grüße", rv: "10") + "\n"
        let bytes = Array(line.utf8)
        // Split at every possible point, including inside the multi-byte characters.
        for cut in 1..<bytes.count {
            let events = try decodeAll([Array(bytes[..<cut]), Array(bytes[cut...])])
            #expect(events.count == 1)
            #expect(events.first?.object.name == "grüße")
        }
        // And one byte at a time.
        let events = try decodeAll(bytes.map { [$0] })
        #expect(events.map(\.resourceVersion) == ["10"])
    }

    @Test func severalLinesInOneChunk() throws {
        let chunk = event("ADDED", "a", rv: "1") + "\n" + event("MODIFIED", "a", rv: "2") + "\n" + event("DELETED", "a", rv: "3") + "\n" + event("ADDED", "b", rv: "4")
        let events = try decodeAll([chunk, "\n"])
        #expect(events.map(\.type) == [.added, .modified, .deleted, .added])
        #expect(events.map(\.resourceVersion) == ["1", "2", "3", "4"])
    }

    @Test func mixedChunkingAndBlankLinesAndCRLF() throws {
        let all = event("ADDED", "a", rv: "1") + "\r\n\n" + event("ADDED", "b", rv: "2") + "\n" + event("ADDED", "c", rv: "3") + "\n"
        let bytes = Array(all.utf8)
        let chunks = stride(from: 0, to: bytes.count, by: 37).map { Array(bytes[$0..<min($0 + 37, bytes.count)]) }
        #expect(try decodeAll(chunks).compactMap(\.object.name) == ["a", "b", "c"])
    }

    @Test func finalLineWithoutNewline() throws {
        #expect(try decodeAll([event("ADDED", "a", rv: "1")]).count == 1)
    }

    @Test func bookmark() throws {
        let events = try decodeAll([#"{"type":"BOOKMARK","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"resourceVersion":"12345"}}}"# + "\n"])
        #expect(events.first?.type == .bookmark)
        #expect(events.first?.resourceVersion == "12345")
    }

    @Test func goneMidStream() throws {
        let error = #"{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (5)","reason":"Expired","code":410}}"#
        let chunks = [event("ADDED", "a", rv: "6") + "\n" + String(error.prefix(30)), String(error.dropFirst(30)) + "\n", event("ADDED", "b", rv: "7") + "\n"]
        var framer = WatchLineFramer()
        var seen: [String] = []
        var thrown: ClientError?
        outer: for chunk in chunks {
            try framer.append(Array(chunk.utf8))
            while let line = framer.nextLine() {
                do {
                    if let e = try WatchEventDecoder.decode(line) { seen.append(e.object.name ?? "") }
                } catch {
                    thrown = error
                    break outer
                }
            }
        }
        #expect(seen == ["a"])
        guard case .gone(let status)? = thrown else { Issue.record("expected gone, got \(String(describing: thrown))"); return }
        #expect(status.code == 410)
    }

    @Test func otherErrorEventsAndMalformedLines() {
        let forbidden = Array(#"{"type":"ERROR","object":{"kind":"Status","status":"Failure","message":"no","reason":"Forbidden","code":403}}"#.utf8)
        #expect { try WatchEventDecoder.decode(forbidden) } throws: { error in
            if case .forbidden = error as? ClientError { return true }
            return false
        }
        #expect { try WatchEventDecoder.decode(Array("{not json".utf8)) } throws: { error in
            if case .decoding = error as? ClientError { return true }
            return false
        }
        #expect { try WatchEventDecoder.decode(Array(#"{"type":"SOMETHING","object":{}}"#.utf8)) } throws: { error in
            if case .decoding(let message) = error as? ClientError { return message.contains("SOMETHING") }
            return false
        }
    }

    @Test func lineTooLong() {
        var framer = WatchLineFramer(maximumLineLength: 16)
        #expect(throws: WatchLineFramer.LineTooLong.self) {
            try framer.append(Array(repeating: UInt8(ascii: "x"), count: 17))
        }
        var ok = WatchLineFramer(maximumLineLength: 16)
        #expect(throws: Never.self) { try ok.append(Array("0123456789\n0123456789\n".utf8)) }
        #expect(ok.nextLine() == Array("0123456789".utf8))
    }

    @Test func bufferDoesNotGrowWithManyLines() throws {
        var framer = WatchLineFramer()
        for i in 0..<10_000 {
            try framer.append(Array("line \(i)\n".utf8))
            #expect(framer.nextLine() == Array("line \(i)".utf8))
        }
        #expect(framer.finish() == nil)
    }
}
