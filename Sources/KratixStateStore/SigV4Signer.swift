import Crypto
import Foundation

/// AWS credentials for Signature Version 4. A session token (temporary credentials) is sent as
/// `X-Amz-Security-Token` and signed.
public struct AWSCredentials: Sendable, Equatable {
    public var accessKeyID: String
    public var secretAccessKey: String
    public var sessionToken: String?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }
}

/// AWS Signature Version 4 (header form), written on swift-crypto so no AWS SDK is needed.
/// Checked byte for byte against AWS's published test vectors.
public struct SigV4Signer: Sendable {
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"

    public var credentials: AWSCredentials
    public var region: String
    public var service: String
    /// S3 encodes each path segment once; every other service encodes the already-encoded path
    /// again and normalises it.
    public var doubleEncodePath: Bool

    public init(credentials: AWSCredentials, region: String, service: String = "s3") {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.doubleEncodePath = service != "s3"
    }

    /// The headers to add to the request: `Authorization`, `X-Amz-Date`, and the session token.
    /// `path` is the raw (not yet encoded) path; `query` the raw name/value pairs; `headers` every
    /// header to sign, including `Host` (and `x-amz-content-sha256` for S3).
    public func sign(method: String, path: String, query: [(String, String)], headers: [(String, String)],
                     payloadHash: String, date: Date) -> [(String, String)] {
        let amzDate = SigV4Signer.amzDate(date)
        let day = String(amzDate.prefix(8))
        var all = headers
        all.append(("X-Amz-Date", amzDate))
        var extra: [(String, String)] = [("X-Amz-Date", amzDate)]
        if let token = credentials.sessionToken, !token.isEmpty {
            all.append(("X-Amz-Security-Token", token))
            extra.append(("X-Amz-Security-Token", token))
        }
        let (canonical, signedHeaders) = canonicalRequest(method: method, path: path, query: query, headers: all, payloadHash: payloadHash)
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = "AWS4-HMAC-SHA256\n\(amzDate)\n\(scope)\n\(SigV4Signer.hex(SHA256.hash(data: Array(canonical.utf8))))"
        let signature = SigV4Signer.hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: signingKey(day: day)))
        extra.append(("Authorization",
                      "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"))
        return extra
    }

    /// The canonical request text and the `SignedHeaders` list.
    public func canonicalRequest(method: String, path: String, query: [(String, String)], headers: [(String, String)],
                                 payloadHash: String) -> (String, String) {
        var canonicalPath: String
        if doubleEncodePath {
            let normalized = SigV4Signer.normalizePath(path)
            canonicalPath = SigV4Signer.encodePath(SigV4Signer.encodePath(normalized))
        } else {
            canonicalPath = SigV4Signer.encodePath(path)
        }
        if canonicalPath.isEmpty { canonicalPath = "/" }
        let encodedQuery: [(String, String)] = query.map { (SigV4Signer.encode($0.0), SigV4Signer.encode($0.1)) }
        let sortedQuery = encodedQuery.sorted { (a: (String, String), b: (String, String)) -> Bool in
            a.0 == b.0 ? a.1 < b.1 : a.0 < b.0
        }
        let canonicalQuery = sortedQuery.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        var grouped: [String: [String]] = [:]
        for (name, value) in headers {
            let trimmed = value.trimmingCharacters(in: .whitespaces)
                .split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            grouped[name.lowercased(), default: []].append(trimmed)
        }
        let names = grouped.keys.sorted()
        let canonicalHeaders = names.map { "\($0):\(grouped[$0]!.joined(separator: ","))\n" }.joined()
        let signedHeaders = names.joined(separator: ";")
        let text = [method, canonicalPath, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash].joined(separator: "\n")
        return (text, signedHeaders)
    }

    private func signingKey(day: String) -> SymmetricKey {
        func hmac(_ key: SymmetricKey, _ text: String) -> SymmetricKey {
            SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: key)))
        }
        let kDate = hmac(SymmetricKey(data: Array("AWS4\(credentials.secretAccessKey)".utf8)), day)
        return hmac(hmac(hmac(kDate, region), service), "aws4_request")
    }

    /// `yyyyMMdd'T'HHmmss'Z'` in UTC.
    public static func amzDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    /// RFC 3986 percent-encoding of everything but unreserved characters (`/` too).
    public static func encode(_ s: String) -> String {
        var out = ""
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.append(Character(UnicodeScalar(byte)))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    /// Encodes each segment, keeping the `/` separators.
    public static func encodePath(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { encode(String($0)) }.joined(separator: "/")
    }

    /// RFC 3986 dot-segment removal with repeated slashes collapsed (non-S3 services only).
    static func normalizePath(_ path: String) -> String {
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            if segment == ".." { if !segments.isEmpty { segments.removeLast() }; continue }
            segments.append(segment)
        }
        let trailing = path.hasSuffix("/") && !segments.isEmpty ? "/" : ""
        return "/" + segments.joined(separator: "/") + trailing
    }

    static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
