import CZlib
import Foundation

/// The encoding of `Workload.content` (spec §2.4): standard Base64 of a gzip stream of the file's
/// bytes. Every consumer decompresses, so content that is not Base64+gzip fails the write rather
/// than reaching a state store garbled. Gzip is the system's zlib.
public enum WorkloadContent {
    /// Decoded files larger than this are refused, so a crafted Work cannot exhaust memory.
    public static let defaultMaximumDecodedSize = 64 << 20

    /// Base64(gzip(bytes)).
    public static func encode(_ bytes: [UInt8]) -> String {
        Data(Gzip.compress(bytes)).base64EncodedString()
    }

    public static func encode(_ text: String) -> String {
        encode(Array(text.utf8))
    }

    /// The file bytes a Workload's `content` carries.
    public static func decode(_ content: String, maximumSize: Int = defaultMaximumDecodedSize) throws(WorkloadContentError) -> [UInt8] {
        guard let data = Data(base64Encoded: content) else {
            throw WorkloadContentError(.notBase64)
        }
        return try Gzip.decompress([UInt8](data), maximumSize: maximumSize)
    }
}

/// Why a Workload's content could not be decoded.
public struct WorkloadContentError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        case notBase64
        case notGzip
        case corrupt(String)
        case checksumMismatch
        case tooLarge(limit: Int)
    }

    public var reason: Reason

    public init(_ reason: Reason) { self.reason = reason }

    public var description: String {
        switch reason {
        case .notBase64: return "unable to decompress file content: content is not valid base64"
        case .notGzip: return "unable to decompress file content: gzip: invalid header"
        case .corrupt(let detail): return "unable to decompress file content: flate: corrupt input (\(detail))"
        case .checksumMismatch: return "unable to decompress file content: gzip: invalid checksum"
        case .tooLarge(let limit): return "unable to decompress file content: larger than \(limit) bytes"
        }
    }
}

/// Gzip (RFC 1952) through zlib's stream API: `windowBits` 15 + 16 selects the gzip wrapper.
enum Gzip {
    static let gzipWindowBits: Int32 = 15 + 16
    static let chunk = 64 * 1024

    static func compress(_ input: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        guard deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, gzipWindowBits, 8, Z_DEFAULT_STRATEGY,
                            zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return [] }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))))
        var input = input
        let written: Int = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                // deflateBound is enough room for one call to finish the stream.
                _ = deflate(&stream, Z_FINISH)
                return target.count - Int(stream.avail_out)
            }
        }
        output.removeSubrange(written...)
        return output
    }

    /// Decodes every member of the stream (Go's reader reads concatenated members as one file).
    static func decompress(_ input: [UInt8], maximumSize: Int) throws(WorkloadContentError) -> [UInt8] {
        guard input.count >= 2, input[0] == 0x1f, input[1] == 0x8b else { throw WorkloadContentError(.notGzip) }
        var stream = z_stream()
        guard inflateInit2_(&stream, gzipWindowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw WorkloadContentError(.corrupt("zlib could not start"))
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: chunk)
        var source = input
        let result: Result<Void, WorkloadContentError> = source.withUnsafeMutableBufferPointer { inputBuffer in
            stream.next_in = inputBuffer.baseAddress
            stream.avail_in = uInt(inputBuffer.count)
            while true {
                let status: Int32 = buffer.withUnsafeMutableBufferPointer { target in
                    stream.next_out = target.baseAddress
                    stream.avail_out = uInt(target.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk - Int(stream.avail_out)
                guard output.count + produced <= maximumSize else { return .failure(WorkloadContentError(.tooLarge(limit: maximumSize))) }
                output.append(contentsOf: buffer[..<produced])
                switch status {
                case Z_STREAM_END:
                    // Another member may follow; it too must be gzip.
                    guard stream.avail_in > 0 else { return .success(()) }
                    guard stream.avail_in >= 2, stream.next_in[0] == 0x1f, stream.next_in[1] == 0x8b else {
                        return .failure(WorkloadContentError(.notGzip))
                    }
                    inflateReset(&stream)
                case Z_OK:
                    if stream.avail_in == 0 && produced == 0 { return .failure(WorkloadContentError(.corrupt("unexpected EOF"))) }
                case Z_BUF_ERROR:
                    return .failure(WorkloadContentError(.corrupt("unexpected EOF")))
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                    if message.contains("incorrect data check") || message.contains("incorrect length check") {
                        return .failure(WorkloadContentError(.checksumMismatch))
                    }
                    if message.contains("header") { return .failure(WorkloadContentError(.notGzip)) }
                    return .failure(WorkloadContentError(.corrupt(message)))
                }
            }
        }
        try result.get()
        return output
    }
}
