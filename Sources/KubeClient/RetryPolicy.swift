/// Which failures are retried and after how long.
///
/// - 429 is retried for every verb: the server rejected the request before processing it
///   (API Priority and Fairness), as client-go also assumes. `Retry-After` sets the wait.
/// - 5xx and failures on an established connection are retried only for idempotent verbs
///   (GET, PUT, DELETE), whose repetition cannot change the outcome.
/// - Connection failures before anything was sent are retried for every verb.
public struct RetryPolicy: Sendable, Equatable {
    public var maxRetries: Int
    public var backoff: Backoff

    public init(maxRetries: Int, backoff: Backoff = Backoff()) {
        self.maxRetries = maxRetries
        self.backoff = backoff
    }

    public enum Failure: Sendable {
        /// An error response, with the `Retry-After` it carried, if any.
        case response(ClientError, retryAfter: Duration?)
        case transport(TransportFailure)
    }

    /// How long to wait before retry number `attempt` (zero-based), or `nil` to give up.
    public func delay(method: HTTPMethod, failure: Failure, attempt: Int, using generator: inout some RandomNumberGenerator) -> Duration? {
        guard attempt < maxRetries else { return nil }
        switch failure {
        case .transport(.notSent):
            return backoff.delay(attempt: attempt, using: &generator)
        case .transport(.interrupted):
            return method.isIdempotent ? backoff.delay(attempt: attempt, using: &generator) : nil
        case .transport(.permanent):
            return nil
        case .response(.tooManyRequests(_, let hinted), let retryAfter):
            return retryAfter ?? hinted ?? backoff.delay(attempt: attempt, using: &generator)
        case .response(let error, let retryAfter):
            guard method.isIdempotent, let code = error.code, [500, 502, 503, 504].contains(code) else { return nil }
            if let retryAfter { return retryAfter }
            if let seconds = error.status?.details?.retryAfterSeconds { return .seconds(seconds) }
            return backoff.delay(attempt: attempt, using: &generator)
        }
    }

    public func delay(method: HTTPMethod, failure: Failure, attempt: Int) -> Duration? {
        var generator = SystemRandomNumberGenerator()
        return delay(method: method, failure: failure, attempt: attempt, using: &generator)
    }
}
