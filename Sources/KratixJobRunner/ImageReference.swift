/// A container image reference split the way registries and kubelets read it, so that
/// `busybox`, `docker.io/library/busybox:latest` and `busybox@sha256:…` can be compared.
///
/// Names without a registry are normalised as Docker does (`busybox` → `docker.io/library/busybox`,
/// `test/shell` → `docker.io/test/shell`), and a reference with neither tag nor digest means
/// `:latest`. The image map compares these normalised forms, so either spelling matches.
public struct ImageReference: Sendable, Hashable, CustomStringConvertible {
    /// Registry and path, without tag or digest: `ghcr.io/syntasso/kratix-platform-pipeline-adapter`.
    public var repository: String
    public var tag: String?
    /// `sha256:…`
    public var digest: String?

    public init(parsing text: String) {
        var rest = Substring(text.trimmingWhitespace())
        var digest: String?
        if let at = rest.firstIndex(of: "@") {
            digest = String(rest[rest.index(after: at)...])
            rest = rest[..<at]
        }
        var tag: String?
        // A colon after the last slash starts the tag; one before it belongs to a registry port.
        let lastSlash = rest.lastIndex(of: "/")
        if let colon = rest.lastIndex(of: ":"), lastSlash.map({ colon > $0 }) ?? true {
            tag = String(rest[rest.index(after: colon)...])
            rest = rest[..<colon]
        }
        self.repository = Self.normalise(String(rest))
        self.tag = tag.flatMap { $0.isEmpty ? nil : $0 }
        self.digest = digest.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Whether the reference names a tag or digest (an exact reference), rather than only a repository.
    public var isExact: Bool { tag != nil || digest != nil }

    /// The tag an image without tag or digest stands for.
    public var effectiveTag: String? { tag ?? (digest == nil ? "latest" : nil) }

    public var description: String {
        repository + (tag.map { ":" + $0 } ?? "") + (digest.map { "@" + $0 } ?? "")
    }

    static func normalise(_ name: String) -> String {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        guard let first = parts.first else { return name }
        let hasRegistry = parts.count > 1 && (first.contains(".") || first.contains(":") || first == "localhost")
        if hasRegistry {
            // Docker Hub's own spellings of an official image: `docker.io/busybox`, `index.docker.io/busybox`.
            guard first == "docker.io" || first == "index.docker.io" else { return name }
            let path = parts.dropFirst().joined(separator: "/")
            return parts.count == 2 ? "docker.io/library/" + path : "docker.io/" + path
        }
        if parts.count == 1 { return "docker.io/library/" + name }
        return "docker.io/" + name
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}
