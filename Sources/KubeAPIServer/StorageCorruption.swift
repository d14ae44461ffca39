/// A storage file that cannot be read as written: the store refuses to start rather than serve
/// a state that silently lacks acknowledged writes.
///
/// A torn last record (the process died during an append that was never acknowledged) is not
/// corruption: it is cut off at start. Anything else is, and names the file, line and byte offset,
/// and the way out: starting with `--repair-storage` keeps every intact record and moves the
/// damaged ones aside for inspection.
public struct StorageCorruption: Error, CustomStringConvertible, Sendable {
    public var file: String
    /// 1-based line of the first damaged record (nil for the snapshot, one document).
    public var line: Int?
    /// Byte offset of the damaged record (or of the parse error in the snapshot).
    public var offset: Int
    public var reason: String

    public var description: String {
        let place = line.map { "line \($0), byte offset \(offset)" } ?? "byte offset \(offset)"
        return "storage file \(file) is damaged at \(place): \(reason). Nothing was changed; start with --repair-storage "
            + "to keep every intact record and move the damaged ones aside (beside the file, named *.damaged-TIME)"
    }
}
