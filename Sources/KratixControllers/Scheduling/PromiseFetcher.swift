import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KratixAPI
import KubeModel

/// Fetches the Promise a PromiseRelease points at (spec §9). A seam so the transport can change
/// without touching the reconciler.
public protocol PromiseFetching: Sendable {
    /// The single Promise the URL serves. `authorization`, when set, is sent unchanged as the
    /// `Authorization` header (it is a credential: never log it).
    func fetchPromise(from url: String, authorization: String?) async throws(SchedulingError) -> Promise
}

/// `GET url` with a 10 s timeout through `URLSession`; the answer must be HTTP 200 and decode to
/// exactly one object of kind `Promise` (YAML or JSON).
///
/// `URLSession` is used because no HTTP client library is a declared dependency of this module;
/// moving to AsyncHTTPClient only needs a new conformance.
public struct HTTPPromiseFetcher: PromiseFetching {
    public var timeout: Duration

    public init(timeout: Duration = .seconds(10)) {
        self.timeout = timeout
    }

    public func fetchPromise(from url: String, authorization: String?) async throws(SchedulingError) -> Promise {
        guard let target = URL(string: url), let scheme = target.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw SchedulingError(.fetch(url: url, detail: "sourceRef.url must be an http or https URL"))
        }
        var request = URLRequest(url: target)
        request.httpMethod = "GET"
        request.timeoutInterval = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) * 1e-18
        if let authorization, !authorization.isEmpty {
            request.setValue(authorization, forHTTPHeaderField: "Authorization")
        }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = request.timeoutInterval
        configuration.timeoutIntervalForResource = request.timeoutInterval
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            throw SchedulingError(.fetch(url: url, detail: error.localizedDescription))
        }
        guard let http = response as? HTTPURLResponse else {
            throw SchedulingError(.fetch(url: url, detail: "not an HTTP response"))
        }
        guard http.statusCode == 200 else {
            throw SchedulingError(.fetch(url: url, detail: "unexpected status code \(http.statusCode)"))
        }
        return try Self.decodePromise([UInt8](data), source: url)
    }

    /// The body must hold exactly one document, and it must be a Promise.
    public static func decodePromise(_ body: [UInt8], source: String) throws(SchedulingError) -> Promise {
        let documents: [YAMLDocument]
        do {
            documents = try YAMLReader.documents(in: body, source: source)
        } catch {
            throw SchedulingError(.invalidDocument(source: source, detail: error.description))
        }
        guard documents.count == 1 else {
            throw SchedulingError(.invalidDocument(source: source, detail: "expected exactly one Promise, found \(documents.count) documents"))
        }
        let value = documents[0].value
        guard value["kind"]?.stringValue == Promise.apiKind, value["apiVersion"]?.stringValue == KratixGroup.apiVersion else {
            throw SchedulingError(.invalidDocument(source: source,
                                                   detail: "expected kind Promise (\(KratixGroup.apiVersion)), found \(value["kind"]?.stringValue ?? "no kind")"))
        }
        do {
            return try Promise(from: value)
        } catch {
            throw SchedulingError(.invalidDocument(source: source, detail: error.description))
        }
    }
}
