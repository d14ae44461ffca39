import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One `GET` for the authoring commands (schemas, charts, repository indexes). `URLSession`
/// because no HTTP client library is a dependency of this module; failures name the URL, so a
/// machine without network says which address it could not reach.
enum HTTPFetch {
    static func get(
        _ url: String, bearerToken: String? = nil, headers: [String: String] = [:], timeout: TimeInterval = 30, what: String
    ) async throws(AuthoringError) -> Data {
        let (data, status, _) = try await request(url, bearerToken: bearerToken, headers: headers, timeout: timeout, what: what)
        guard status == 200 else {
            throw AuthoringError("\(what): unexpected status \(status) for \(PulumiSchema.sanitized(url))")
        }
        return data
    }

    /// The body, status and response headers (lower-case names), whatever the status.
    static func request(
        _ url: String, bearerToken: String? = nil, headers: [String: String] = [:], timeout: TimeInterval = 30, what: String
    ) async throws(AuthoringError) -> (Data, Int, [String: String]) {
        guard let target = URL(string: url) else { throw AuthoringError("\(what): \(url) is not a valid URL") }
        var request = URLRequest(url: target, timeoutInterval: timeout)
        if let bearerToken { request.setValue("Bearer \(bearerToken)", forHTTPHeaderField: "Authorization") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        do {
            let (data, response) = try await session.data(for: request)
            let http = response as? HTTPURLResponse
            var fields: [String: String] = [:]
            for (key, value) in http?.allHeaderFields ?? [:] {
                fields[String(describing: key).lowercased()] = String(describing: value)
            }
            return (data, http?.statusCode ?? 0, fields)
        } catch {
            throw AuthoringError("\(what): cannot reach \(url) (no network?): \(error.localizedDescription)")
        }
    }
}
