/// Any Kubernetes object as a JSON tree, with typed access to the parts every object shares.
///
/// Controllers that handle kinds they do not know at compile time (the resource requests of a
/// Promise's API) work on this type; typed models decode from and encode to it.
public struct KubeObject: Sendable, Equatable {
    public var json: JSONObject

    public init(_ json: JSONObject) { self.json = json }

    /// The document as an object; `nil` when it is not a JSON object.
    public init?(_ value: JSONValue) {
        guard case .object(let o) = value else { return nil }
        self.json = o
    }

    public init(apiVersion: String, kind: String, name: String, namespace: String? = nil) {
        var metadata: JSONObject = ["name": .string(name)]
        if let namespace { metadata["namespace"] = .string(namespace) }
        self.json = ["apiVersion": .string(apiVersion), "kind": .string(kind), "metadata": .object(metadata)]
    }

    public var value: JSONValue { .object(json) }

    public var apiVersion: String? {
        get { json["apiVersion"]?.stringValue }
        set { json["apiVersion"] = newValue.map(JSONValue.string) }
    }

    public var kind: String? {
        get { json["kind"]?.stringValue }
        set { json["kind"] = newValue.map(JSONValue.string) }
    }

    public var groupVersionKind: GroupVersionKind? {
        guard let apiVersion, let kind else { return nil }
        return GroupVersionKind(apiVersion: apiVersion, kind: kind)
    }

    /// The decoded metadata. Setting it writes it back, keeping members it does not declare.
    public var metadata: ObjectMeta {
        get {
            guard let m = json["metadata"] else { return ObjectMeta() }
            return (try? JSONValueDecoder().decode(ObjectMeta.self, from: m)) ?? ObjectMeta()
        }
        set {
            json["metadata"] = (try? JSONValueEncoder().encode(newValue)) ?? .object([:])
        }
    }

    /// Decodes metadata, reporting a malformed `metadata` instead of hiding it.
    public func decodedMetadata() throws(ModelError) -> ObjectMeta {
        guard let m = json["metadata"] else { return ObjectMeta() }
        return try JSONValueDecoder(basePath: "metadata").decode(ObjectMeta.self, from: m)
    }

    // Cheap accessors that do not decode the whole metadata.
    private func meta(_ key: String) -> JSONValue? { json["metadata"]?[key] }

    private mutating func setMeta(_ key: String, _ value: JSONValue?) {
        var m = json["metadata"] ?? .object([:])
        if m.objectValue == nil { m = .object([:]) }
        m[key] = value
        json["metadata"] = m
    }

    public var name: String? {
        get { meta("name")?.stringValue }
        set { setMeta("name", newValue.map(JSONValue.string)) }
    }

    public var namespace: String? {
        get { meta("namespace")?.stringValue }
        set { setMeta("namespace", newValue.map(JSONValue.string)) }
    }

    public var uid: String? { meta("uid")?.stringValue }
    public var resourceVersion: String? {
        get { meta("resourceVersion")?.stringValue }
        set { setMeta("resourceVersion", newValue.map(JSONValue.string)) }
    }
    public var generation: Int64? { meta("generation")?.intValue }
    public var deletionTimestamp: String? { meta("deletionTimestamp")?.stringValue }

    public var labels: [String: String] {
        get { Self.stringMap(meta("labels")) }
        set { setMeta("labels", newValue.isEmpty ? nil : Self.jsonMap(newValue)) }
    }

    public var annotations: [String: String] {
        get { Self.stringMap(meta("annotations")) }
        set { setMeta("annotations", newValue.isEmpty ? nil : Self.jsonMap(newValue)) }
    }

    public var spec: JSONValue? {
        get { json["spec"] }
        set { json["spec"] = newValue }
    }

    public var status: JSONValue? {
        get { json["status"] }
        set { json["status"] = newValue }
    }

    /// `namespace/name`, or `name` for cluster-scoped objects: the key work queues and caches use.
    public var key: String {
        let n = name ?? ""
        if let ns = namespace, !ns.isEmpty { return "\(ns)/\(n)" }
        return n
    }

    static func stringMap(_ value: JSONValue?) -> [String: String] {
        guard case .object(let o) = value else { return [:] }
        var out: [String: String] = [:]
        out.reserveCapacity(o.count)
        for (k, v) in o {
            if let s = v.stringValue { out[k] = s }
        }
        return out
    }

    static func jsonMap(_ map: [String: String]) -> JSONValue {
        var o = JSONObject()
        for key in map.keys.sorted() { o[key] = .string(map[key]!) }
        return .object(o)
    }

    /// Decodes a typed model from this object.
    public func decode<T: Decodable>(_ type: T.Type, strict: Bool = false) throws(ModelError) -> T {
        try JSONValueDecoder(strict: strict).decode(type, from: value)
    }

    /// The object of a typed model.
    public static func encode<T: Encodable>(_ model: T) throws(ModelError) -> KubeObject {
        let value = try JSONValueEncoder().encode(model)
        guard let object = KubeObject(value) else {
            throw ModelError(.typeMismatch(field: "<root>", expected: "object", found: value.typeName))
        }
        return object
    }
}
