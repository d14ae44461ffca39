/// Percent-encoding for URL paths and query strings, byte by byte over UTF-8.
///
/// Label selectors carry `=`, `,`, `!`, `(`, `)` and spaces, and continue tokens carry `=`, `+` and
/// `/`; all of those are escaped in query values so no server can misread them (a literal `+` would
/// read as a space).
enum PercentEncoding {
    /// RFC 3986 unreserved characters: never escaped.
    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    private static let hex = Array("0123456789ABCDEF".utf8)

    private static func encode(_ text: String, keeping keep: (UInt8) -> Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if keep(byte) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A query key or value: everything but unreserved characters is escaped.
    static func queryComponent(_ text: String) -> String {
        encode(text, keeping: isUnreserved)
    }

    /// One path segment (an object name): `/`, `?`, `#` and `%` are escaped; `:` and `@` stay, as
    /// they do in RBAC names such as `system:controller:foo`.
    static func pathSegment(_ text: String) -> String {
        encode(text) { byte in
            isUnreserved(byte) || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "@")
        }
    }

    /// `a=1&b=2`, in the order given.
    static func query(_ items: [(String, String)]) -> String {
        items.map { queryComponent($0.0) + "=" + queryComponent($0.1) }.joined(separator: "&")
    }
}
