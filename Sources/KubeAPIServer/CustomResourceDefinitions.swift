import Foundation
import KubeModel

/// What creating a CRD means: checks, accepted names, the Established condition, and the resource it serves.
enum CustomResourceDefinitions {
    /// Validates a CRD and fills in its status (accepted names, NamesAccepted and Established).
    static func prepare(_ crd: JSONObject, existing: [String: APIResource], clock: () -> Date) throws(APIError) -> JSONObject {
        let value = JSONValue.object(crd)
        let name = value[path: ["metadata", "name"]]?.stringValue ?? ""
        var causes: [(String, String)] = []
        let group = value[path: ["spec", "group"]]?.stringValue ?? ""
        let plural = value[path: ["spec", "names", "plural"]]?.stringValue ?? ""
        let kind = value[path: ["spec", "names", "kind"]]?.stringValue ?? ""
        if group.isEmpty || !LabelValidation.isDNSSubdomain(group) || !group.contains(".") {
            causes.append(("spec.group", "Invalid value: \"\(group)\": should be a domain with at least one dot"))
        }
        if plural.isEmpty { causes.append(("spec.names.plural", "Required value")) }
        if kind.isEmpty { causes.append(("spec.names.kind", "Required value")) }
        if name != "\(plural).\(group)" {
            causes.append(("metadata.name", "Invalid value: \"\(name)\": must be spec.names.plural+\".\"+spec.group"))
        }
        let scope = value[path: ["spec", "scope"]]?.stringValue ?? ""
        if scope != "Namespaced" && scope != "Cluster" {
            causes.append(("spec.scope", "Unsupported value: \"\(scope)\": supported values: \"Cluster\", \"Namespaced\""))
        }
        let versions = value[path: ["spec", "versions"]]?.arrayValue ?? []
        if versions.isEmpty { causes.append(("spec.versions", "Invalid value: must have exactly one version marked as storage version")) }
        if versions.filter({ $0["storage"]?.boolValue == true }).count != 1 {
            causes.append(("spec.versions", "Invalid value: must have exactly one version marked as storage version"))
        }
        let columnTypes = ["array", "boolean", "date", "integer", "number", "object", "string"]
        // Columns the same in every version are checked once, at the path of the internal
        // version they are converted to (`spec.additionalPrinterColumns[0].JSONPath`), as 1.28 does.
        let columnSets = versions.map { $0["additionalPrinterColumns"]?.arrayValue ?? [] }
        let hoisted = !columnSets.isEmpty && columnSets.allSatisfy { $0 == columnSets[0] }
        for (i, columns) in columnSets.enumerated() where !(hoisted && i > 0) {
            for (c, column) in columns.enumerated() {
                let field = hoisted ? "spec.additionalPrinterColumns[\(c)]" : "spec.versions[\(i)].additionalPrinterColumns[\(c)]"
                if (column["name"]?.stringValue ?? "").isEmpty { causes.append(("\(field).name", "Required value")) }
                let type = column["type"]?.stringValue ?? ""
                if type.isEmpty {
                    causes.append(("\(field).type", "Required value"))
                } else if !columnTypes.contains(type) {
                    causes.append(("\(field).type", "Unsupported value: \"\(type)\": supported values: \(columnTypes.map { "\"\($0)\"" }.joined(separator: ", "))"))
                }
                if (column["jsonPath"]?.stringValue ?? "").isEmpty { causes.append(("\(field).JSONPath", "Required value")) }
            }
        }
        for (i, version) in versions.enumerated() {
            guard let schema = version[path: ["schema", "openAPIV3Schema"]] else {
                causes.append(("spec.versions[\(i)].schema.openAPIV3Schema", "Required value: schemas are required"))
                continue
            }
            for problem in StructuralSchema.problems(in: schema) {
                causes.append(("spec.versions[\(i)].schema.\(problem.split(separator: ":").first ?? "")", String(problem.split(separator: ":", maxSplits: 1).last ?? "").trimmingCharacters(in: .whitespaces)))
            }
        }
        if !causes.isEmpty {
            throw APIError.invalid(kind: "CustomResourceDefinition", group: "apiextensions.k8s.io", name: name, causes: causes)
        }
        var out = crd
        var spec = crd["spec"]?.objectValue ?? [:]
        if spec["conversion"] == nil { spec["conversion"] = ["strategy": "None"] }
        var names = spec["names"]?.objectValue ?? [:]
        if names["listKind"] == nil, !kind.isEmpty { names["listKind"] = .string(kind + "List") }
        if names["singular"] == nil { names["singular"] = .string(kind.lowercased()) }
        spec["names"] = .object(names)
        out["spec"] = .object(spec)
        var status = crd["status"]?.objectValue ?? [:]
        let stored = Set((status["storedVersions"]?.arrayValue ?? []).compactMap(\.stringValue))
        let storage = versions.filter { $0["storage"]?.boolValue == true }.compactMap { $0["name"]?.stringValue }
        status["storedVersions"] = .array((stored.sorted() + storage.filter { !stored.contains($0) }).map(JSONValue.string))
        if status["acceptedNames"] == nil {
            // Accepted by the naming controller right after the create (``establish(_:clock:)``).
            status["acceptedNames"] = ["kind": "", "plural": ""]
            status["conditions"] = .null
        }
        out["status"] = .object(status)
        return out
    }

    /// What the apiextensions naming and establishing controllers write once a CRD is stored:
    /// its names accepted, `NamesAccepted` and `Established`.
    static func establish(_ crd: JSONObject, clock: () -> Date) throws(APIError) -> JSONObject {
        var out = crd
        let now = Timestamp.format(clock())
        var status = crd["status"]?.objectValue ?? [:]
        status["acceptedNames"] = crd["spec"]?["names"] ?? [:]
        let existingConditions = status["conditions"]?.arrayValue ?? []
        func condition(_ type: String, _ reason: String, _ message: String) -> JSONValue {
            let old = existingConditions.first { $0["type"]?.stringValue == type }
            return [
                "type": .string(type), "status": "True", "reason": .string(reason), "message": .string(message),
                "lastTransitionTime": old?["lastTransitionTime"] ?? .string(now),
            ]
        }
        status["conditions"] = [
            condition("NamesAccepted", "NoConflicts", "no conflicts found"),
            condition("Established", "InitialNamesAccepted", "the initial names have been accepted"),
        ]
        out["status"] = .object(status)
        return out
    }

    /// The resource a stored CRD serves (its storage version).
    static func servedResource(_ crd: JSONObject) -> APIResource? {
        let value = JSONValue.object(crd)
        guard value["kind"]?.stringValue == "CustomResourceDefinition",
            let group = value[path: ["spec", "group"]]?.stringValue,
            let plural = value[path: ["spec", "names", "plural"]]?.stringValue,
            let kind = value[path: ["spec", "names", "kind"]]?.stringValue
        else { return nil }
        let versions = value[path: ["spec", "versions"]]?.arrayValue ?? []
        guard let version = versions.first(where: { $0["storage"]?.boolValue == true }) ?? versions.first,
            let versionName = version["name"]?.stringValue
        else { return nil }
        var resource = APIResource(
            group: group, version: versionName, kind: kind, plural: plural,
            namespaced: value[path: ["spec", "scope"]]?.stringValue != "Cluster",
            shortNames: value[path: ["spec", "names", "shortNames"]]?.arrayValue?.compactMap(\.stringValue) ?? [],
            categories: value[path: ["spec", "names", "categories"]]?.arrayValue?.compactMap(\.stringValue) ?? [],
            subresources: version[path: ["subresources", "status"]] != nil ? ["status"] : [],
            schema: version[path: ["schema", "openAPIV3Schema"]],
            printerColumns: version["additionalPrinterColumns"]?.arrayValue ?? [])
        if let singular = value[path: ["spec", "names", "singular"]]?.stringValue, !singular.isEmpty {
            resource.singular = singular
        }
        return resource
    }
}
