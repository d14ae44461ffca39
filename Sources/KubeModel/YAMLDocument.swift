/// One document of a YAML (or JSON) stream, with where it came from.
public struct YAMLDocument: Sendable, Equatable {
    /// The file or other source name, for error messages.
    public var source: String?
    /// Zero-based index among the stream's non-empty documents... counted over all documents, so the
    /// number matches what an editor shows after counting `---` separators.
    public var index: Int
    /// Line (1-based) the document starts on.
    public var line: Int
    public var value: JSONValue

    public init(source: String?, index: Int, line: Int, value: JSONValue) {
        self.source = source
        self.index = index
        self.line = line
        self.value = value
    }

    /// Wraps an error so it names this document's source and index.
    public func locate(_ error: ModelError) -> ModelError {
        error.located(source: source, documentIndex: index)
    }
}
