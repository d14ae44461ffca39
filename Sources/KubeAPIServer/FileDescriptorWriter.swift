import Foundation

/// The one way the storage files are written: all of the bytes, or an error.
enum FileDescriptorWriter {
    /// Writes all of `bytes` to `descriptor`: a short write is continued, an interrupted one retried.
    static func writeAll(_ bytes: [UInt8], to descriptor: Int32) throws(POSIXError) {
        var failure: Int32 = 0
        bytes.withUnsafeBytes { buffer in
            var written = 0
            while written < buffer.count {
                let n = Foundation.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                written += n
            }
        }
        if failure != 0 { throw POSIXError(POSIXErrorCode(rawValue: failure) ?? .EIO) }
    }
}
