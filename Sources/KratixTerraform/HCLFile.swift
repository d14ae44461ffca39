/// A parsed HCL file together with its text, so expressions can be cut back out as source.
public struct HCLFile: Sendable {
    public var name: String
    public var body: HCLBody
    let bytes: [UInt8]

    public init(source: String, name: String) throws(HCLError) {
        self.name = name
        self.bytes = Array(source.utf8)
        self.body = try HCLParser.parse(source, file: name)
    }

    /// The source text of a span, exactly as written.
    public func text(of range: HCLSourceRange) -> String {
        let start = max(0, min(range.start.offset, bytes.count))
        let end = max(start, min(range.end.offset, bytes.count))
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    public func error(_ message: String, at position: HCLPosition) -> HCLError {
        HCLError(file: name, at: position, message)
    }
}
