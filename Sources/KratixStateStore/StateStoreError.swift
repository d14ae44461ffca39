/// Why a state-store operation failed, with what a user needs to fix it. Messages never contain
/// credentials: command output is redacted before it is stored here.
public struct StateStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// A path that is absolute or leaves its directory; nothing was written.
        case unsafePath(path: String, reason: String)
        /// The store's spec or Secret cannot make a writer (upstream's exact texts where they exist,
        /// e.g. `password not found in secret ns/name`).
        case invalidConfiguration(String)
        /// The server refused the credentials (wrong password, unknown key, bad signature).
        case authenticationFailed(target: String, detail: String)
        /// A `git` command failed for another reason.
        case gitFailed(command: String, exitCode: Int32, output: String)
        /// `git` did not finish within the command timeout and was killed.
        case timedOut(command: String, seconds: Double)
        /// Other writers kept moving the branch; the push was still rejected after every retry.
        case pushRejected(attempts: Int, detail: String)
        /// The S3 service answered with an error document or status.
        case s3(operation: String, key: String?, status: Int, code: String, message: String)
        /// The network request itself failed (connection refused, TLS, DNS).
        case transport(operation: String, detail: String)
        /// The GitHub App token exchange failed.
        case gitHubApp(String)
        /// A local file-system operation in the clone or cache failed.
        case io(path: String, detail: String)
        /// `ValidatePermissions` failed; upstream prefixes the message exactly like this.
        case permissionValidationFailed(String)
    }

    public var reason: Reason

    public init(_ reason: Reason) { self.reason = reason }

    /// Whether the same write may succeed if simply retried later (the controller requeues anyway;
    /// this only tells callers which failures are worth an immediate retry).
    public var isTransient: Bool {
        switch reason {
        case .timedOut, .pushRejected, .transport: return true
        case .s3(_, _, let status, _, _): return status >= 500
        default: return false
        }
    }

    public var isAuthenticationFailure: Bool {
        if case .authenticationFailed = reason { return true }
        return false
    }

    public var description: String {
        switch reason {
        case .unsafePath(let path, let reason):
            return "unsafe path \"\(path)\": \(reason); nothing was written"
        case .invalidConfiguration(let message):
            return message
        case .authenticationFailed(let target, let detail):
            return "authentication failed for \(target): \(detail)"
        case .gitFailed(let command, let code, let output):
            return "git \(command) failed (exit \(code)): \(output)"
        case .timedOut(let command, let seconds):
            return "git \(command) timed out after \(Int(seconds))s"
        case .pushRejected(let attempts, let detail):
            return "push rejected after \(attempts) attempts: \(detail)"
        case .s3(let operation, let key, let status, let code, let message):
            let target = key.map { " \"\($0)\"" } ?? ""
            return "S3 \(operation)\(target) failed: HTTP \(status) \(code): \(message)"
        case .transport(let operation, let detail):
            return "\(operation) failed: \(detail)"
        case .gitHubApp(let message):
            return "GitHub App authentication failed: \(message)"
        case .io(let path, let detail):
            return "\(path): \(detail)"
        case .permissionValidationFailed(let message):
            return "write permission validation failed: \(message)"
        }
    }
}
