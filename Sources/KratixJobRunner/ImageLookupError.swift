/// Why an image has no program: the container then fails to start with reason `ErrImagePull`,
/// and this text is the container status message, as a kubelet shows a failed pull.
public enum ImageLookupError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Neither the map nor the built-in pipeline adapter entry names the image.
    case notMapped(image: String, mapPath: String?)
    /// The map file exists but could not be read or parsed, and no earlier version was loaded.
    case mapUnreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case .notMapped(let image, let path?):
            return "image \"\(image)\" is not in the runner's image map \(path)"
        case .notMapped(let image, nil):
            return "image \"\(image)\" is not in the runner's image map (no map file was given; pass --images FILE)"
        case .mapUnreadable(let path, let reason):
            return "the runner's image map \(path) could not be read: \(reason)"
        }
    }
}
