import KratixAPI
import KubeClient
import KubeModel
import KubeRuntime

/// Finds a Promise's revisions as the request and binding controllers need them (revisions spec
/// §1.7): the latest, or the one at a version; and (§1.11, the Promise webhook's warnings) the
/// versions it has revisions at. Reads go through the reader given (the informer cache in the manager).
public struct PromiseRevisionLookup: Sendable {
    var promiseName: String
    var reader: any ObjectReader

    public init(promiseName: String, reader: any ObjectReader) {
        self.promiseName = promiseName
        self.reader = reader
    }

    /// The versions the Promise has revisions at (any of them meets a requirement on it).
    public func versions() async throws -> Set<String> {
        Set(try await all().compactMap { $0.spec?["version"]?.stringValue })
    }

    /// A lookup that found no revision, or too many; the text is upstream's.
    struct LookupError: Error, CustomStringConvertible {
        var description: String
    }

    /// The revision with `status.latest` (upstream's "latest" is the status, not the label).
    func latestRevision() async throws -> KubeObject {
        let latest = try await all().filter { $0.status?["latest"]?.boolValue == true }
        // While the label moves, two may say latest for a moment: the labelled one is the newer.
        guard let revision = latest.first(where: { $0.labels[KratixLabels.latestRevision] == "true" }) ?? latest.first else {
            throw LookupError(description: "cannot find any PromiseRevision for Promise \(promiseName) with status.latest set to true: no latest promise revision yet")
        }
        return revision
    }

    /// The one revision at `version`.
    func revision(at version: String) async throws -> KubeObject {
        let matching = try await all().filter { $0.spec?["version"]?.stringValue == version }
        guard matching.count <= 1 else {
            throw LookupError(description: "multiple PromiseRevisions for Promise \(promiseName) with version \(version)")
        }
        guard let revision = matching.first else {
            throw LookupError(description: "cannot find a PromiseRevision for Promise \(promiseName) with version \(version): promise revision not found")
        }
        return revision
    }

    /// Every revision of the Promise.
    func all() async throws -> [KubeObject] {
        try await reader.list(PromiseRevision.groupVersionResource, namespace: nil, labels: [KratixLabels.promiseName: promiseName])
    }
}
