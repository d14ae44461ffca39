/// Where Go's `base64.StdEncoding` (which decodes a Secret's `data` on a real server) first fails
/// on a string, so the refusal names the same byte: `illegal base64 data at input byte 3`.
enum Base64Check {
    /// The offset Go's `CorruptInputError` reports, or `nil` when the text decodes.
    static func firstError(in text: String) -> Int? {
        let src = Array(text.utf8)
        let equals = UInt8(ascii: "=")
        func isNewline(_ c: UInt8) -> Bool { c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r") }
        func skipNewlines(_ si: inout Int) { while si < src.count, isNewline(src[si]) { si += 1 } }
        var si = 0
        while si < src.count {
            var j = 0
            while j < 4 {
                if si == src.count { return j == 0 ? nil : si - j }
                let c = src[si]
                si += 1
                if isAlphabet(c) { j += 1; continue }
                if isNewline(c) { continue }
                if c != equals { return si - 1 }
                // Padding: only after two or three characters of a quantum, then nothing but newlines.
                switch j {
                case 0, 1: return si - 1
                case 2:
                    skipNewlines(&si)
                    if si == src.count { return src.count }
                    if src[si] != equals { return si - 1 }
                    si += 1
                default: break
                }
                skipNewlines(&si)
                return si < src.count ? si : nil
            }
        }
        return nil
    }

    private static func isAlphabet(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "+"), UInt8(ascii: "/"): return true
        default: return false
        }
    }
}
