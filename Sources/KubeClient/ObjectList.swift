import KubeModel

/// One page of a list: the objects and the version to watch from.
public struct ObjectList: Sendable, Equatable {
    public var items: [KubeObject]
    /// The list's resourceVersion: start a watch here to see every change after the list.
    public var resourceVersion: String
    /// Set when more pages remain; pass it as `ListOptions.continueToken`.
    public var continueToken: String?
    public var remainingItemCount: Int64?

    public init(items: [KubeObject], resourceVersion: String, continueToken: String? = nil, remainingItemCount: Int64? = nil) {
        self.items = items
        self.resourceVersion = resourceVersion
        self.continueToken = continueToken
        self.remainingItemCount = remainingItemCount
    }

    /// Reads a `<Kind>List`. Items get the list's apiVersion and kind when they lack them, as the
    /// API server omits them for built-in kinds.
    public init(_ value: JSONValue) throws(ClientError) {
        guard case .object = value else { throw .decoding("list: expected object, found \(value.typeName)") }
        guard let items = value["items"].map({ $0.isNull ? [] : $0.arrayValue }) ?? [] else {
            throw .decoding("list: items: expected array, found \(value["items"]?.typeName ?? "nothing")")
        }
        let apiVersion = value["apiVersion"]?.stringValue
        let listKind = value["kind"]?.stringValue ?? ""
        let kind = listKind.hasSuffix("List") ? String(listKind.dropLast(4)) : nil
        var objects: [KubeObject] = []
        objects.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            guard var object = KubeObject(item) else {
                throw .decoding("\(listKind.isEmpty ? "list" : listKind): items[\(index)]: expected object, found \(item.typeName)")
            }
            if object.apiVersion == nil, let apiVersion { object.apiVersion = apiVersion }
            if object.kind == nil, let kind, !kind.isEmpty { object.kind = kind }
            objects.append(object)
        }
        let continueToken = value[path: ["metadata", "continue"]]?.stringValue
        self.init(
            items: objects,
            resourceVersion: value[path: ["metadata", "resourceVersion"]]?.stringValue ?? "",
            continueToken: (continueToken?.isEmpty ?? true) ? nil : continueToken,
            remainingItemCount: value[path: ["metadata", "remainingItemCount"]]?.intValue)
    }
}
