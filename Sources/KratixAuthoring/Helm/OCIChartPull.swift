import Foundation
import KubeModel

/// Pulls a Helm chart from an OCI registry over the distribution API (anonymous bearer tokens
/// when the registry asks for one): the manifest's chart layer is the chart archive.
struct OCIChartPull {
    var reference: String
    var version: String?
    /// `https`, as registries serve; `http` for a registry on loopback (helm's `--plain-http`).
    var scheme = "https"

    static let chartLayer = "application/vnd.cncf.helm.chart.content.v1.tar+gzip"

    func pull() async throws(AuthoringError) -> Data {
        let rest = String(reference.dropFirst("oci://".count))
        guard let slash = rest.firstIndex(of: "/") else {
            throw AuthoringError("failed to fetch helm chart: \(reference) names no repository")
        }
        let host = String(rest[..<slash])
        var repository = String(rest[rest.index(after: slash)...])
        var tag = version
        if let colon = repository.lastIndex(of: ":"), !repository[colon...].contains("/") {
            tag = tag ?? String(repository[repository.index(after: colon)...])
            repository = String(repository[..<colon])
        }
        let base = "\(scheme)://\(host)/v2/\(repository)"
        var token: String?
        if tag == nil {
            let tags = try await get("\(base)/tags/list", accept: "application/json", token: &token)
            let list = (try? JSONParser.parse(Array(tags)))?["tags"]?.arrayValue?.compactMap(\.stringValue) ?? []
            guard let latest = list.filter({ SemanticVersion($0).isValid }).max(by: { SemanticVersion($0) < SemanticVersion($1) }) else {
                throw AuthoringError("failed to fetch helm chart: \(reference) has no versioned tags")
            }
            tag = latest
        }
        let manifestData = try await get("\(base)/manifests/\(tag!.replacingOccurrences(of: "+", with: "_"))",
                                          accept: "application/vnd.oci.image.manifest.v1+json", token: &token)
        guard let manifest = try? JSONParser.parse(Array(manifestData)),
              let layer = manifest["layers"]?.arrayValue?.first(where: { $0["mediaType"]?.stringValue == Self.chartLayer }),
              let digest = layer["digest"]?.stringValue
        else {
            throw AuthoringError("failed to fetch helm chart: \(reference):\(tag!) is not a Helm chart (no chart layer in its manifest)")
        }
        return try await get("\(base)/blobs/\(digest)", accept: "*/*", token: &token)
    }

    /// A GET that answers a 401 challenge with an anonymous token once.
    private func get(_ url: String, accept: String, token: inout String?) async throws(AuthoringError) -> Data {
        let what = "failed to fetch helm chart"
        var (data, status, headers) = try await HTTPFetch.request(url, bearerToken: token, headers: ["Accept": accept], timeout: 60, what: what)
        if status == 401, let challenge = headers["www-authenticate"] {
            token = try await anonymousToken(challenge)
            (data, status, headers) = try await HTTPFetch.request(url, bearerToken: token, headers: ["Accept": accept], timeout: 60, what: what)
        }
        guard status == 200 else { throw AuthoringError("\(what): unexpected status \(status) for \(url)") }
        return data
    }

    /// `Bearer realm="…",service="…",scope="…"` → the token the realm hands out.
    private func anonymousToken(_ challenge: String) async throws(AuthoringError) -> String {
        var fields: [String: String] = [:]
        let body = challenge.hasPrefix("Bearer ") ? String(challenge.dropFirst(7)) : challenge
        for part in body.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            fields[pair[0].trimmingCharacters(in: .whitespaces).lowercased()] = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
        }
        guard let realm = fields["realm"], var components = URLComponents(string: realm) else {
            throw AuthoringError("failed to fetch helm chart: the registry asked for credentials (\(challenge))")
        }
        components.queryItems = ["service", "scope"].compactMap { key in fields[key].map { URLQueryItem(name: key, value: $0) } }
        let data = try await HTTPFetch.get(components.string ?? realm, timeout: 60, what: "failed to fetch helm chart")
        guard let answer = try? JSONParser.parse(Array(data)), let token = answer["token"]?.stringValue ?? answer["access_token"]?.stringValue else {
            throw AuthoringError("failed to fetch helm chart: the registry's token service gave no token")
        }
        return token
    }
}
