/// The end of a container's output, kept for its termination message (as
/// `terminationMessagePolicy: FallbackToLogsOnError` does).
struct OutputTail: Sendable {
    static let lineLimit = 20
    static let byteLimit = 4096

    private var bytes: [UInt8] = []

    mutating func append(_ chunk: [UInt8]) {
        bytes.append(contentsOf: chunk)
        // Keep a little more than the message can hold, so that the last lines are always whole.
        if bytes.count > 4 * Self.byteLimit { bytes.removeFirst(bytes.count - 4 * Self.byteLimit) }
    }

    /// The last ``lineLimit`` lines, at most ``byteLimit`` bytes; `nil` when there was no output.
    var message: String? {
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        guard !lines.isEmpty else { return nil }
        var text = Array(lines.suffix(Self.lineLimit).joined(separator: [UInt8(ascii: "\n")]))
        if text.count > Self.byteLimit { text = Array(text.suffix(Self.byteLimit)) }
        return String(decoding: text, as: UTF8.self)
    }
}
