/// Splits a streamed body into newline-terminated lines, however the bytes were chunked: a line may
/// span chunks, and one chunk may hold several lines.
///
/// Holds at most one partial line; a line longer than `maximumLineLength` is an error rather than
/// unbounded memory.
public struct WatchLineFramer: Sendable {
    private var buffer: [UInt8] = []
    /// Where the next unread line starts in `buffer` (consumed bytes are dropped lazily).
    private var start = 0
    /// Where to resume looking for a newline (bytes before it are known to hold none).
    private var scanned = 0
    public let maximumLineLength: Int

    public init(maximumLineLength: Int = 64 * 1024 * 1024) {
        self.maximumLineLength = maximumLineLength
    }

    public struct LineTooLong: Error, Sendable, Equatable {
        public var length: Int
    }

    /// Adds a chunk.
    public mutating func append(_ bytes: some Sequence<UInt8>) throws(LineTooLong) {
        if start > 0, start >= buffer.count / 2 {
            buffer.removeFirst(start)
            scanned -= start
            start = 0
        }
        buffer.append(contentsOf: bytes)
        if buffer.count - start > maximumLineLength, !buffer[scanned...].contains(UInt8(ascii: "\n")) {
            throw LineTooLong(length: buffer.count - start)
        }
    }

    /// The next complete line without its `\n` (and without a trailing `\r`), or `nil` until more
    /// bytes arrive.
    public mutating func nextLine() -> [UInt8]? {
        guard let newline = buffer[scanned...].firstIndex(of: UInt8(ascii: "\n")) else {
            scanned = buffer.count
            return nil
        }
        var end = newline
        if end > start, buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        let line = Array(buffer[start..<end])
        start = newline + 1
        scanned = start
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
            scanned = 0
        }
        return line
    }

    /// What is left when the stream ends: a final line without a newline, if any.
    public mutating func finish() -> [UInt8]? {
        defer {
            buffer.removeAll()
            start = 0
            scanned = 0
        }
        guard start < buffer.count else { return nil }
        let rest = Array(buffer[start...])
        return rest.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\t") }) ? nil : rest
    }
}
