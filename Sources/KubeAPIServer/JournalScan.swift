/// The journal file cut into lines, each read as a record or marked damaged, with byte offsets.
struct JournalScan {
    struct Damage {
        /// 0-based line index.
        var index: Int
        var offset: Int
        var reason: String
    }

    /// The lines without their newlines; an unterminated last line is the last element.
    private(set) var lines: [ArraySlice<UInt8>] = []
    private(set) var records: [JournalRecord] = []
    private(set) var damaged: [Damage] = []

    init(_ data: [UInt8]) {
        var start = 0
        while start < data.count {
            let end = data[start...].firstIndex(of: UInt8(ascii: "\n"))
            let line = data[start..<(end ?? data.count)]
            let index = lines.count
            lines.append(line)
            if end == nil {
                damaged.append(Damage(index: index, offset: start, reason: "the last record has no end of line"))
            } else if !line.isEmpty {
                switch JournalRecord.decode(line) {
                case .success(let record): records.append(record)
                case .failure(let reason): damaged.append(Damage(index: index, offset: start, reason: reason.text))
                }
            }
            start = (end ?? data.count) + 1
        }
    }
}
