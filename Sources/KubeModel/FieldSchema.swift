/// The structure of the built-in kinds as Kubernetes' structured-merge-diff sees it, from the Go
/// API types (`FieldSchema+Generated.swift`, written by `scripts/generate-field-schema`): which
/// fields are lists and how their elements are identified, which are maps, which are pointers (nil
/// in a new object) and which structs are atomic. It decides the shape of `managedFields`, as the
/// real server's field manager computes them.
public enum FieldSchema {
    public enum Shape: Sendable { case value, pointer, list, map }
    public enum ListType: Sendable { case atomic, set, map }

    public struct Field: Sendable {
        public var shape: Shape
        /// A type (`core/v1.Container`) or a scalar (`string`, `int`, `time`, `raw`, …).
        public var type: String
        public var listType: ListType = .atomic
        /// The fields that identify an element of a `map` list.
        public var keys: [String] = []
        /// An atomic Go map (`+mapType=atomic`).
        public var atomicMap = false
        /// Strategic merge patch's `patchStrategy` (`merge`, `retainKeys`, `merge,retainKeys`).
        public var patchStrategy: String?
        /// Strategic merge patch's `patchMergeKey`.
        public var mergeKey: String?
        /// A list or map without `omitempty`: serialized as `null` when unset, so it is present
        /// (as null) in a new object.
        public var required = false
    }

    public struct TypeInfo: Sendable {
        public var fields: [String: Field] = [:]
        /// `+structType=atomic` (or `+mapType=atomic`): owned as a whole.
        public var atomic = false
    }

    public static let types: [String: TypeInfo] = parsed.types
    /// `apiVersion/Kind` → type.
    static let kinds: [String: String] = parsed.kinds

    /// The type of a built-in kind, or `nil` for custom resources.
    public static func rootType(apiVersion: String, kind: String) -> String? { kinds["\(apiVersion)/\(kind)"] }

    /// CustomResourceDefinition, whose Go types live in k8s.io/apiextensions-apiserver (not read
    /// by the generator): the fields that shape its managedFields.
    static let apiextensionsTable = """
        KIND apiextensions.k8s.io/v1 CustomResourceDefinition apiextensions/v1.CustomResourceDefinition
        TYPE apiextensions/v1.CustomResourceDefinition
         metadata value meta/v1.ObjectMeta
         spec value apiextensions/v1.CustomResourceDefinitionSpec
         status value apiextensions/v1.CustomResourceDefinitionStatus
        TYPE apiextensions/v1.CustomResourceDefinitionSpec
         group value string
         names value apiextensions/v1.CustomResourceDefinitionNames
         scope value string
         versions list raw list=atomic required
         conversion pointer apiextensions/v1.CustomResourceConversion
         preserveUnknownFields value bool
        TYPE apiextensions/v1.CustomResourceDefinitionNames
         plural value string
         singular value string
         shortNames list string list=atomic
         kind value string
         listKind value string
         categories list string list=atomic
        TYPE apiextensions/v1.CustomResourceConversion
         strategy value string
         webhook pointer raw
        TYPE apiextensions/v1.CustomResourceDefinitionStatus
         conditions list raw list=map keys=type required
         acceptedNames value apiextensions/v1.CustomResourceDefinitionNames
         storedVersions list string list=atomic required
        """

    private static let parsed: (types: [String: TypeInfo], kinds: [String: String]) = {
        var types: [String: TypeInfo] = [:]
        var kinds: [String: String] = [:]
        var current: String?
        for line in (generatedTable + "\n" + apiextensionsTable).split(separator: "\n") {
            let parts = line.split(separator: " ").map(String.init)
            guard let first = parts.first else { continue }
            if first == "KIND", parts.count == 4 {
                kinds["\(parts[1])/\(parts[2])"] = parts[3]
            } else if first == "TYPE", parts.count >= 2 {
                current = parts[1]
                types[parts[1]] = TypeInfo(atomic: parts.dropFirst(2).contains("atomic"))
            } else if let current, parts.count >= 3 {
                let shape: Shape = switch parts[1] { case "pointer": .pointer; case "list": .list; case "map": .map; default: .value }
                var field = Field(shape: shape, type: parts[2])
                for flag in parts.dropFirst(3) {
                    if flag == "list=set" { field.listType = .set }
                    if flag == "list=map" { field.listType = .map }
                    if flag == "map=atomic" { field.atomicMap = true }
                    if flag == "required" { field.required = true }
                    if flag.hasPrefix("patch=") { field.patchStrategy = String(flag.dropFirst(6)) }
                    if flag.hasPrefix("mergeKey=") { field.mergeKey = String(flag.dropFirst(9)) }
                    if flag.hasPrefix("keys=") { field.keys = flag.dropFirst(5).split(separator: ",").map(String.init) }
                }
                types[current]?.fields[first] = field
            }
        }
        return (types, kinds)
    }()
}
