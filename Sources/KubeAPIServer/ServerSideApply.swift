import Foundation
import KubeModel

/// Server-side apply (`kubectl apply --server-side`): merges an applied configuration into the live
/// object, tracks which manager owns which fields in `metadata.managedFields`, removes fields a
/// manager stopped applying, and refuses to overwrite another manager's fields unless forced.
enum ServerSideApply {
    struct Outcome {
        var object: JSONObject
    }

    /// - Parameter resource: the kind applied to, whose schema says how lists merge and how its
    ///   fields are owned (``MergeSchema``, ``FieldSchema``, the CRD's list types).
    static func apply(_ applied: JSONObject, to current: JSONObject?, manager: String, force: Bool, resource: APIResource, now: String) throws(APIError) -> JSONObject {
        let apiVersion = resource.apiVersion
        let appliedValue = JSONValue.object(applied)
        let appliedPaths = ManagedFields.fieldSet(of: appliedValue, type: resource.fieldSchemaType, crdSchema: resource.schema, status: false)
        var entries = (current?["metadata"]?["managedFields"]?.arrayValue ?? []).compactMap(\.objectValue)
        var merged: JSONValue
        if let current {
            let currentValue = JSONValue.object(current)
            var conflicts: [(String, ManagedFields.Path)] = []
            for (i, entry) in entries.enumerated() {
                let owner = entry["manager"]?.stringValue ?? ""
                if owner == manager && entry["operation"] == "Apply" { continue }
                var owned = ManagedFields.decode(entry["fieldsV1"] ?? [:])
                for path in appliedPaths.intersection(owned) where path.last != "." {
                    if ManagedFields.value(at: path, in: currentValue) != ManagedFields.value(at: path, in: appliedValue) {
                        if force {
                            owned.remove(path)
                        } else {
                            conflicts.append((owner, path))
                        }
                    }
                }
                entries[i]["fieldsV1"] = ManagedFields.encode(owned)
            }
            if !conflicts.isEmpty {
                let lines = conflicts.map { "conflict with \"\($0.0)\": \(ManagedFields.describe($0.1))" }
                throw APIError(
                    code: 409, reason: "Conflict",
                    message: "Apply failed with \(conflicts.count) conflict\(conflicts.count == 1 ? "" : "s"): \(lines.joined(separator: "; "))")
            }
            // Fields this manager applied before but not now, and that nobody else owns, go away.
            let previous = entries.first { $0["manager"]?.stringValue == manager && $0["operation"] == "Apply" }
            let previouslyApplied = previous.map { ManagedFields.decode($0["fieldsV1"] ?? [:]) } ?? []
            let ownedByOthers = entries.filter { !($0["manager"]?.stringValue == manager && $0["operation"] == "Apply") }
                .reduce(into: Set<ManagedFields.Path>()) { $0.formUnion(ManagedFields.decode($1["fieldsV1"] ?? [:])) }
            merged = StrategicMergePatch.apply(appliedValue, to: currentValue, schema: resource.mergeSchema, strategic: false)
            for path in previouslyApplied.subtracting(appliedPaths).subtracting(ownedByOthers) {
                merged = ManagedFields.removing(path, from: merged)
            }
        } else {
            merged = appliedValue
        }
        entries.removeAll { $0["manager"]?.stringValue == manager && $0["operation"] == "Apply" }
        entries.removeAll { ManagedFields.decode($0["fieldsV1"] ?? [:]).isEmpty }
        entries.append([
            "manager": .string(manager), "operation": "Apply", "apiVersion": .string(apiVersion),
            "time": .string(now), "fieldsType": "FieldsV1", "fieldsV1": ManagedFields.encode(appliedPaths),
        ])
        var result = merged.objectValue ?? applied
        var meta = result["metadata"]?.objectValue ?? [:]
        meta["managedFields"] = .array(entries.map(JSONValue.object))
        result["metadata"] = .object(meta)
        return result
    }
}
