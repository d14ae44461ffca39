/// The flags every `kratix init` command shares (upstream's persistent flags on `init`).
public struct InitOptions: Sendable, Equatable {
    public var name: String
    public var group: String
    public var kind: String
    /// `--version`, `nil` when not given: `init promise` defaults it to `v1alpha1`, the operator to
    /// the CRD's stored version, and crossplane ignores it for the XRD's version name.
    public var version: String?
    /// `--plural`, `nil` when not given (`lower(kind)+"s"`).
    public var plural: String?
    public var dir: String
    public var split: Bool

    public init(
        name: String, group: String, kind: String, version: String? = nil, plural: String? = nil, dir: String = ".",
        split: Bool = false
    ) {
        self.name = name
        self.group = group
        self.kind = kind
        self.version = version
        self.plural = plural
        self.dir = dir
        self.split = split
    }

    public var resolvedPlural: String { plural.flatMap { $0.isEmpty ? nil : $0 } ?? kind.lowercased() + "s" }
    public var singular: String { kind.lowercased() }
}
