import KubeModel

/// `kratix update api` (§5.9): the CRD's group, version, kind and plural, and `spec` properties.
public struct APIUpdater: Sendable {
    public var directory: PromiseDirectory
    public var group: String?
    public var version: String?
    public var kind: String?
    public var plural: String?
    /// `a.b.c:type` adds (creating intermediate objects), `a.b-` removes.
    public var properties: [String]

    public static let propertyTypes = ["string", "number", "integer", "object", "boolean"]

    public init(directory: String, group: String? = nil, version: String? = nil, kind: String? = nil, plural: String? = nil, properties: [String] = []) {
        self.directory = PromiseDirectory(directory)
        self.group = group.flatMap { $0.isEmpty ? nil : $0 }
        self.version = version.flatMap { $0.isEmpty ? nil : $0 }
        self.kind = kind.flatMap { $0.isEmpty ? nil : $0 }
        self.plural = plural.flatMap { $0.isEmpty ? nil : $0 }
        self.properties = properties
    }

    /// Updates the files; returns the lines upstream prints.
    public func run() throws(AuthoringError) -> [String] {
        var lines: [String] = []
        let split = directory.exists("api.yaml")
        var promise: JSONValue = .null
        var crd: JSONValue
        if split {
            crd = try directory.document("api.yaml")
        } else {
            guard directory.exists("promise.yaml") else {
                throw AuthoringError(
                    "failed to find api.yaml or promise.yaml in directory. Please run 'kratix init promise' first: open \(directory.file("promise.yaml")): no such file or directory"
                )
            }
            promise = try directory.document("promise.yaml")
            crd = promise[path: ["spec", "api"]] ?? .object([:])
        }
        crd = GoTypedShape.crd(crd)
        if group != nil || version != nil || kind != nil || plural != nil {
            updateGVK(&crd)
            try updateExampleResource(crd)
            lines.append("Example resource updated")
        }
        try updateProperties(&crd)
        // Marshalled from the typed CRD after the edit: a `properties` emptied by `a-` goes.
        crd = GoTypedShape.crd(crd)
        if split {
            try directory.write("api.yaml", GoYAML.marshal(crd))
        } else {
            promise[path: ["spec", "api"]] = crd
            try directory.write("promise.yaml", GoYAML.marshal(GoTypedShape.promise(promise)))
        }
        lines.append("Promise api updated")
        return lines
    }

    func updateGVK(_ crd: inout JSONValue) {
        if let kind {
            crd[path: ["spec", "names", "kind"]] = .string(kind)
            crd[path: ["spec", "names", "singular"]] = .string(kind.lowercased())
        }
        if let version, var versions = crd[path: ["spec", "versions"]]?.arrayValue, !versions.isEmpty {
            versions[0]["name"] = .string(version)
            crd[path: ["spec", "versions"]] = .array(versions)
        }
        if let group { crd[path: ["spec", "group"]] = .string(group) }
        // A new kind does not derive a new plural (upstream).
        if let plural { crd[path: ["spec", "names", "plural"]] = .string(plural) }
        let name = "\(crd[path: ["spec", "names", "plural"]]?.stringValue ?? "").\(crd[path: ["spec", "group"]]?.stringValue ?? "")"
        crd[path: ["metadata", "name"]] = .string(name)
    }

    func updateExampleResource(_ crd: JSONValue) throws(AuthoringError) {
        var example = try directory.document("example-resource.yaml")
        let version = crd[path: ["spec", "versions"]]?.arrayValue?.first?["name"]?.stringValue ?? ""
        example["apiVersion"] = .string("\(crd[path: ["spec", "group"]]?.stringValue ?? "")/\(version)")
        example["kind"] = crd[path: ["spec", "names", "kind"]] ?? ""
        try directory.write("example-resource.yaml", GoYAML.marshal(example))
    }

    func updateProperties(_ crd: inout JSONValue) throws(AuthoringError) {
        let specPath = ["spec", "versions"]
        guard var versions = crd[path: specPath]?.arrayValue, !versions.isEmpty else {
            throw AuthoringError("the CRD has no versions to update")
        }
        let schemaPath = ["schema", "openAPIV3Schema", "properties", "spec"]
        var spec = versions[0][path: schemaPath] ?? .object([:])
        if spec["properties"]?.objectValue == nil {
            spec = ["properties": .object([:]), "type": "object"]
        }
        var root = spec["properties"] ?? .object([:])
        for property in properties {
            let parts = property.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            if parts.count != 2 {
                guard property.hasSuffix("-") else { throw AuthoringError("invalid property format: \(property)") }
                var trimmed = Substring(property)
                while trimmed.hasSuffix("-") { trimmed.removeLast() }
                Self.remove(trimmed.split(separator: ".", omittingEmptySubsequences: false).map(String.init), from: &root)
                continue
            }
            guard Self.propertyTypes.contains(parts[1]) else { throw AuthoringError("unsupported property type: \(parts[1])") }
            try Self.add(parts[0].split(separator: ".", omittingEmptySubsequences: false).map(String.init), type: parts[1], to: &root)
        }
        spec["properties"] = root
        versions[0][path: schemaPath] = spec
        crd[path: specPath] = .array(versions)
    }

    /// `properties` is the `properties` map at this level.
    static func add(_ names: [String], type: String, to properties: inout JSONValue) throws(AuthoringError) {
        guard let first = names.first else { return }
        if names.count == 1 {
            properties[first] = ["type": .string(type)]
            return
        }
        var field = properties[first] ?? .object([:])
        if field["properties"]?.objectValue == nil {
            field = ["properties": .object([:]), "type": "object"]
        }
        guard field["type"]?.stringValue == "object" else { throw AuthoringError("nested field \(first) is not an object") }
        var nested = field["properties"] ?? .object([:])
        try add(Array(names.dropFirst()), type: type, to: &nested)
        field["properties"] = nested
        properties[first] = field
    }

    static func remove(_ names: [String], from properties: inout JSONValue) {
        guard let first = names.first else { return }
        if names.count == 1 {
            if case .object(var map) = properties {
                map.removeValue(forKey: first)
                properties = .object(map)
            }
            return
        }
        guard var field = properties[first], var nested = field["properties"], nested.objectValue != nil else { return }
        remove(Array(names.dropFirst()), from: &nested)
        field["properties"] = nested
        properties[first] = field
    }
}
