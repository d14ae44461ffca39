import KratixAPI
import KubeModel
import Synchronization

/// The Promise a request's pass runs with, decoded once per pair of Promise and revision
/// resourceVersions rather than once per pass: every request of a Promise runs with the same
/// pair, and decoding a whole Promise spec was a fair share of a short pass's time.
final class DecodedPromiseCache: Sendable {
    private struct Entry {
        var key: String
        var promise: Promise
    }

    private let entry = Mutex<Entry?>(nil)

    /// The cached Promise for `live` and `revision`, else `decode()`'s (then cached). Objects
    /// without resourceVersions are decoded every time.
    func promise(live: KubeObject, revision: KubeObject, decode: () throws -> Promise) throws -> Promise {
        guard let liveVersion = live.resourceVersion, let revisionVersion = revision.resourceVersion else { return try decode() }
        let key = "\(live.uid ?? "")/\(liveVersion)/\(revision.uid ?? "")/\(revisionVersion)"
        if let cached = entry.withLock({ $0?.key == key ? $0?.promise : nil }) { return cached }
        let promise = try decode()
        entry.withLock { $0 = Entry(key: key, promise: promise) }
        return promise
    }
}
