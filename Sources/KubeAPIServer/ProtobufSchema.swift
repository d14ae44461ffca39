/// The Kubernetes protobuf messages the server can read, by full name, from the table
/// `scripts/generate-protobuf-schema` writes (`ProtobufSchema+Generated.swift`).
enum ProtobufSchema {
    struct Field: Sendable {
        enum Label: Sendable { case one, repeated, map }
        var name: String
        var label: Label
        /// A scalar type (`string`, `int64`, …) or a message's full name; a map's value type.
        var type: String
        /// A map's key type.
        var keyType: String?
    }

    typealias Message = [Int: Field]

    static let messages: [String: Message] = {
        var messages: [String: Message] = [:]
        var current: String?
        for line in generatedTable.split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard !parts.isEmpty else { continue }
            if !line.hasPrefix(" ") {
                current = String(parts[0])
                messages[String(parts[0])] = [:]
                continue
            }
            guard let current, parts.count >= 4, let number = Int(parts[0]) else { continue }
            let label: Field.Label = parts[2] == "map" ? .map : parts[2] == "repeated" ? .repeated : .one
            messages[current]?[number] = Field(name: String(parts[1]), label: label, type: String(parts[3]),
                                               keyType: parts.count > 4 ? String(parts[4]) : nil)
        }
        return messages
    }()

    /// The message of a kind: `v1`/`ConfigMap` is `k8s.io.api.core.v1.ConfigMap`, `apps/v1`/
    /// `Deployment` is `k8s.io.api.apps.v1.Deployment`, `rbac.authorization.k8s.io/v1` is `rbac`.
    static func messageName(apiVersion: String, kind: String) -> String? {
        let parts = apiVersion.split(separator: "/").map(String.init)
        let group = parts.count == 2 ? parts[0] : ""
        let version = parts.last ?? ""
        let package = group.isEmpty ? "core" : String(group.split(separator: ".").first ?? "")
        for candidate in ["k8s.io.api.\(package).\(version).\(kind)", "k8s.io.apimachinery.pkg.apis.meta.v1.\(kind)"]
        where messages[candidate] != nil {
            return candidate
        }
        return nil
    }
}
