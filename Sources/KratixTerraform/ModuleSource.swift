/// A Terraform module `source` as given to `--module-source` or `MODULE_SOURCE`.
public struct ModuleSource: Sendable, Equatable {
    public var value: String

    public init(_ value: String) { self.value = value }

    /// A local path, read directly without Terraform.
    public var isLocal: Bool {
        value.hasPrefix("./") || value.hasPrefix("../") || value.hasPrefix("/")
    }

    /// Upstream's `IsTerraformRegistrySource`: not local, no `://` or `::`, at least two `/`.
    /// Only registry sources may carry a version.
    public var isRegistry: Bool {
        if isLocal { return false }
        if value.contains("://") || value.contains("::") { return false }
        return value.filter { $0 == "/" }.count >= 2
    }

    /// The part after `//` naming a directory inside the package, ignoring the scheme's `//` and
    /// any `?query` (`git::https://host/repo.git//modules/x?ref=v1` gives `modules/x`).
    public var subdirectory: String? {
        var rest = Substring(value)
        if let query = rest.firstIndex(of: "?") { rest = rest[..<query] }
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        guard let split = rest.range(of: "//") else { return nil }
        let sub = rest[split.upperBound...]
        return sub.isEmpty ? nil : String(sub)
    }
}
