import Foundation
import KubeModel

/// The values of a core/v1 Secret, decoded to bytes. They are credentials: callers keep them in
/// memory and never put them in a log line, condition or event.
public enum SecretValues {
    /// `data` (base64). `stringData` is write-only: API servers fold it into `data`.
    public static func decode(_ secret: KubeObject) -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        for (key, value) in secret.json["data"]?.objectValue ?? [:] {
            if let text = value.stringValue, let data = Data(base64Encoded: text) { out[key] = [UInt8](data) }
        }
        return out
    }
}
