/// Read-modify-write with optimistic concurrency, retried when the object changed in between.
///
/// A 409 Conflict on an update means only that someone else wrote the object after it was read;
/// reading it again and reapplying the change resolves it. client-go's `retry.RetryOnConflict`
/// with `DefaultRetry` (five attempts) is what Go controllers and webhooks use for the same race.
public enum ConflictRetry {
    /// client-go's `DefaultRetry.Steps`.
    public static let defaultAttempts = 5

    /// Runs `body` until it does not fail with ``ClientError/conflict(_:)``, at most `attempts`
    /// times; the last conflict, and any other error at once, is thrown. `body` must read the
    /// object it writes on every call, or the retry meets the same conflict again.
    public static func run<T>(attempts: Int = defaultAttempts, _ body: () async throws(ClientError) -> T) async throws(ClientError) -> T {
        var attempt = 1
        while true {
            do {
                return try await body()
            } catch {
                guard case .conflict = error, attempt < attempts else { throw error }
                attempt += 1
            }
        }
    }
}
