/// A minimal XML reader for the few S3 replies this module needs (ListBucketResult, Error,
/// InitiateMultipartUploadResult, DeleteResult). FoundationXML is not linked, and these documents
/// use only elements, text, entities and CDATA; attributes, comments, processing instructions and
/// namespaces are skipped.
public struct XMLElement: Sendable, Equatable {
    public var name: String
    public var text: String
    public var children: [XMLElement]

    /// The first direct child named `name`.
    public func child(_ name: String) -> XMLElement? { children.first { $0.name == name } }
    public func all(_ name: String) -> [XMLElement] { children.filter { $0.name == name } }
    /// The text of the first direct child named `name`.
    public func value(_ name: String) -> String? { child(name)?.text }

    public static func parse(_ bytes: [UInt8]) throws(StateStoreError) -> XMLElement {
        var parser = MiniXMLParser(Array(bytes))
        return try parser.document()
    }
}

private struct MiniXMLParser {
    let b: [UInt8]
    var i = 0

    init(_ bytes: [UInt8]) { b = bytes }

    func fail(_ why: String) -> StateStoreError {
        StateStoreError(.s3(operation: "parse reply", key: nil, status: 0, code: "MalformedXML", message: "\(why) at byte \(i)"))
    }

    mutating func document() throws(StateStoreError) -> XMLElement {
        while true {
            skipSpace()
            guard i < b.count else { throw fail("no root element") }
            guard b[i] == UInt8(ascii: "<") else { throw fail("text outside the root element") }
            if startsWith("<?") { try skip(past: "?>"); continue }
            if startsWith("<!--") { try skip(past: "-->"); continue }
            if startsWith("<!") { try skip(past: ">"); continue }
            return try element()
        }
    }

    mutating func element() throws(StateStoreError) -> XMLElement {
        i += 1 // <
        let name = readName()
        guard !name.isEmpty else { throw fail("missing element name") }
        // Attributes are skipped (quoted values may contain '>').
        while i < b.count && b[i] != UInt8(ascii: ">") {
            if b[i] == UInt8(ascii: "\"") || b[i] == UInt8(ascii: "'") {
                let q = b[i]; i += 1
                while i < b.count && b[i] != q { i += 1 }
            }
            i += 1
        }
        guard i < b.count else { throw fail("unterminated start tag <\(name)>") }
        let selfClosing = b[i - 1] == UInt8(ascii: "/")
        i += 1
        var node = XMLElement(name: localName(name), text: "", children: [])
        if selfClosing { return node }
        var text: [UInt8] = []
        while true {
            guard i < b.count else { throw fail("unterminated element <\(name)>") }
            if b[i] != UInt8(ascii: "<") {
                text.append(b[i]); i += 1
                continue
            }
            if startsWith("</") {
                i += 2
                let end = readName()
                guard end == name else { throw fail("</\(end)> closes <\(name)>") }
                try skip(past: ">")
                node.text = try decodeEntities(text)
                return node
            }
            if startsWith("<![CDATA[") {
                i += 9
                let start = i
                try skip(past: "]]>")
                text += b[start ..< i - 3]
                continue
            }
            if startsWith("<!--") { try skip(past: "-->"); continue }
            if startsWith("<?") { try skip(past: "?>"); continue }
            node.children.append(try element())
        }
    }

    mutating func readName() -> String {
        let start = i
        while i < b.count, !" \t\r\n/>".utf8.contains(b[i]) { i += 1 }
        return String(decoding: b[start ..< i], as: UTF8.self)
    }

    func localName(_ name: String) -> String {
        if let colon = name.lastIndex(of: ":") { return String(name[name.index(after: colon)...]) }
        return name
    }

    func startsWith(_ s: String) -> Bool {
        let u = Array(s.utf8)
        return i + u.count <= b.count && Array(b[i ..< i + u.count]) == u
    }

    mutating func skip(past s: String) throws(StateStoreError) {
        while i < b.count && !startsWith(s) { i += 1 }
        guard i < b.count else { throw fail("missing \(s)") }
        i += s.utf8.count
    }

    mutating func skipSpace() {
        while i < b.count, " \t\r\n".utf8.contains(b[i]) { i += 1 }
    }

    func decodeEntities(_ raw: [UInt8]) throws(StateStoreError) -> String {
        let s = String(decoding: raw, as: UTF8.self)
        guard s.contains("&") else { return s }
        var out = ""
        var rest = Substring(s)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semi = rest[amp...].firstIndex(of: ";") else { throw fail("unterminated entity") }
            let entity = rest[rest.index(after: amp) ..< semi]
            switch entity {
            case "amp": out += "&"
            case "lt": out += "<"
            case "gt": out += ">"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                var scalar: UInt32?
                if entity.hasPrefix("#x") || entity.hasPrefix("#X") { scalar = UInt32(entity.dropFirst(2), radix: 16) }
                else if entity.hasPrefix("#") { scalar = UInt32(entity.dropFirst(), radix: 10) }
                guard let v = scalar, let u = Unicode.Scalar(v) else { throw fail("unknown entity &\(entity);") }
                out.unicodeScalars.append(u)
            }
            rest = rest[rest.index(after: semi)...]
        }
        return out + rest
    }
}

/// One page of `ListObjectsV2`.
public struct S3ListPage: Sendable, Equatable {
    public struct Object: Sendable, Equatable {
        public var key: String
        /// Without the surrounding quotes.
        public var eTag: String
        public var size: Int64
    }

    public var objects: [Object]
    public var commonPrefixes: [String]
    public var isTruncated: Bool
    public var nextContinuationToken: String?

    public init(xml: [UInt8]) throws(StateStoreError) {
        let root = try XMLElement.parse(xml)
        guard root.name == "ListBucketResult" else {
            throw StateStoreError(.s3(operation: "ListObjectsV2", key: nil, status: 0, code: "MalformedXML", message: "expected ListBucketResult, found \(root.name)"))
        }
        objects = root.all("Contents").map { c in
            Object(key: c.value("Key") ?? "", eTag: S3ListPage.unquote(c.value("ETag") ?? ""), size: Int64(c.value("Size") ?? "") ?? 0)
        }
        commonPrefixes = root.all("CommonPrefixes").compactMap { $0.value("Prefix") }
        isTruncated = root.value("IsTruncated") == "true"
        nextContinuationToken = root.value("NextContinuationToken").flatMap { $0.isEmpty ? nil : $0 }
    }

    static func unquote(_ s: String) -> String {
        var t = Substring(s)
        if t.hasPrefix("W/") { t = t.dropFirst(2) }
        if t.hasPrefix("\"") && t.hasSuffix("\"") && t.count >= 2 { t = t.dropFirst().dropLast() }
        return String(t)
    }
}

/// An S3 `<Error>` document.
public struct S3ErrorDocument: Sendable, Equatable {
    public var code: String
    public var message: String

    /// Nil when the body is not an S3 error document (HEAD replies have no body at all).
    public init?(xml: [UInt8]) {
        guard let root = try? XMLElement.parse(xml), root.name == "Error" else { return nil }
        code = root.value("Code") ?? ""
        message = root.value("Message") ?? ""
    }
}
