/// Where the paths a step names inside its container are on this machine. In a pod the two are
/// the same; when the local runner runs the adapter in its own process they are the container's
/// volume mounts: the deepest mount at or above a path decides, and a path under no mount maps to
/// a place that holds nothing (never to the runner's own files).
public struct PathMap: Sendable, Equatable {
    /// Mount point in the container → directory (or file) here; nil for the identity.
    public var mounts: [String: String]?

    public static let identity = PathMap(mounts: nil)

    public init(mounts: [String: String]?) { self.mounts = mounts }

    /// Everything under `root` (tests: a scratch directory stands for `/`).
    public init(root: String) {
        self.init(mounts: root == "/" ? nil : ["/": root])
    }

    static let unmounted = "/nonexistent/kratix-unmounted"

    /// The path here for `path` in the container.
    public func host(_ path: String) -> String {
        guard let mounts else { return path }
        var best: (target: String, source: String)?
        for (target, source) in mounts {
            let prefix = target.hasSuffix("/") ? target : target + "/"
            guard path == target || path.hasPrefix(prefix) || target == "/" else { continue }
            if best == nil || target.count > best!.target.count { best = (target, source) }
        }
        guard let best else { return Self.unmounted + path }
        let rest = best.target == "/" ? String(path.drop { $0 == "/" }) : String(path.dropFirst(best.target.count).drop { $0 == "/" })
        return rest.isEmpty ? best.source : PipelineFiles.join(best.source, rest)
    }
}
