import Foundation
import KubeModel

/// Renders lists as `meta.k8s.io/v1` Tables, which is what `kubectl get` asks for: CRD printer
/// columns where a CRD declares them, and the familiar columns for the built-in kinds.
enum TableConverter {
    struct Column {
        var name: String
        var type: String
        var format: String = ""
        var priority: Int64 = 0
        var description: String = ""
        /// A timestamp shown as the time since it (`Age`, `Last Seen`, CRD `date` columns), as the
        /// real server renders them; other `date` columns (a CRD's `Created At`) stay timestamps.
        var age = false
        var cell: (JSONValue) -> JSONValue
    }

    /// Whether the Accept header asks for a Table.
    static func wantsTable(_ accept: String?) -> Bool {
        guard let accept else { return false }
        return accept.contains("as=Table")
    }

    static func table(_ resource: APIResource, items: [JSONObject], resourceVersion: String, continueToken: String?,
                      now: Date = Date()) -> JSONValue {
        let columns = self.columns(for: resource)
        let definitions: [JSONValue] = columns.map {
            [
                "name": .string($0.name), "type": .string($0.type), "format": .string($0.format),
                "description": .string($0.description), "priority": .int($0.priority),
            ]
        }
        let rows: [JSONValue] = items.map { item in
            let value = JSONValue.object(item)
            var metadata = item["metadata"]?.objectValue ?? [:]
            metadata.removeValue(forKey: "managedFields")
            return [
                // `date` cells are ages, as the real server renders them.
                "cells": .array(columns.map { $0.age ? HumanDuration.since($0.cell(value), now: now) : $0.cell(value) }),
                "object": ["kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": .object(metadata)],
            ]
        }
        var listMeta: JSONObject = ["resourceVersion": .string(resourceVersion)]
        if let continueToken { listMeta["continue"] = .string(continueToken) }
        return [
            "kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": .object(listMeta),
            "columnDefinitions": .array(definitions), "rows": .array(rows),
        ]
    }

    static func columns(for resource: APIResource) -> [Column] {
        let name = Column(name: "Name", type: "string", format: "name", description: "Name of the object.") {
            $0[path: ["metadata", "name"]] ?? ""
        }
        let age = Column(name: "Age", type: "date", description: "Time since the object was created.", age: true) {
            $0[path: ["metadata", "creationTimestamp"]] ?? .null
        }
        if resource.schema != nil {
            if resource.printerColumns.isEmpty { return [name, age] }
            return [name] + resource.printerColumns.map(printerColumn)
        }
        func path(_ p: String...) -> (JSONValue) -> JSONValue { { $0[path: p] ?? "" } }
        switch (resource.group, resource.plural) {
        case ("", "namespaces"):
            return [name, Column(name: "Status", type: "string", cell: path("status", "phase")), age]
        case ("", "configmaps"), ("", "secrets"):
            var columns = [name]
            if resource.plural == "secrets" { columns.append(Column(name: "Type", type: "string", cell: path("type"))) }
            columns.append(Column(name: "Data", type: "integer") { .int(Int64($0["data"]?.objectValue?.count ?? 0)) })
            return columns + [age]
        case ("", "pods"):
            return [
                name,
                Column(name: "Ready", type: "string") { pod in
                    let statuses = pod[path: ["status", "containerStatuses"]]?.arrayValue ?? []
                    let total = pod[path: ["spec", "containers"]]?.arrayValue?.count ?? statuses.count
                    return .string("\(statuses.filter { $0["ready"] == true }.count)/\(total)")
                },
                Column(name: "Status", type: "string") { .string(podStatus($0)) },
                Column(name: "Restarts", type: "string") { pod in
                    let restarts = (pod[path: ["status", "containerStatuses"]]?.arrayValue ?? []).reduce(Int64(0)) { $0 + ($1["restartCount"]?.intValue ?? 0) }
                    return .string(String(restarts))
                },
                age,
            ]
        case ("batch", "jobs"):
            return [
                name,
                Column(name: "Status", type: "string") { job in
                    let conditions = job[path: ["status", "conditions"]]?.arrayValue ?? []
                    if conditions.contains(where: { $0["type"] == "Complete" && $0["status"] == "True" }) { return "Complete" }
                    if conditions.contains(where: { $0["type"] == "Failed" && $0["status"] == "True" }) { return "Failed" }
                    if job[path: ["spec", "suspend"]] == true { return "Suspended" }
                    return "Running"
                },
                Column(name: "Completions", type: "string") { job in
                    let succeeded = job[path: ["status", "succeeded"]]?.intValue ?? 0
                    let wanted = job[path: ["spec", "completions"]]?.intValue ?? 1
                    return .string("\(succeeded)/\(wanted)")
                },
                age,
            ]
        case ("apiextensions.k8s.io", "customresourcedefinitions"):
            return [name, Column(name: "Created At", type: "date", cell: path("metadata", "creationTimestamp"))]
        case ("coordination.k8s.io", "leases"):
            return [name, Column(name: "Holder", type: "string", cell: path("spec", "holderIdentity")), age]
        case ("", "events"):
            return [
                Column(name: "Last Seen", type: "date", age: true, cell: { $0["lastTimestamp"] ?? $0[path: ["metadata", "creationTimestamp"]] ?? .null }),
                Column(name: "Type", type: "string", cell: path("type")),
                Column(name: "Reason", type: "string", cell: path("reason")),
                Column(name: "Object", type: "string") { event in
                    let kind = event[path: ["involvedObject", "kind"]]?.stringValue?.lowercased() ?? ""
                    return .string("\(kind)/\(event[path: ["involvedObject", "name"]]?.stringValue ?? "")")
                },
                Column(name: "Message", type: "string", cell: path("message")),
            ]
        default:
            return [name, age]
        }
    }

    /// kubectl's pod STATUS as the server's pod printer computes it: the phase or reason, an init
    /// container's progress or failure (`Init:0/1`, `Init:Error`), the last container's waiting or
    /// terminated reason (`Completed`, `Error`, `CrashLoopBackOff`), or `Terminating`.
    static func podStatus(_ pod: JSONValue) -> String {
        let status = pod["status"] ?? [:]
        var reason = status["reason"]?.stringValue ?? status["phase"]?.stringValue ?? "Pending"
        var initializing = false
        let initStatuses = status["initContainerStatuses"]?.arrayValue ?? []
        let initCount = pod[path: ["spec", "initContainers"]]?.arrayValue?.count ?? initStatuses.count
        for (index, container) in initStatuses.enumerated() {
            if let terminated = container[path: ["state", "terminated"]] {
                if terminated["exitCode"]?.intValue ?? 0 == 0 { continue }
                if let text = terminated["reason"]?.stringValue, !text.isEmpty {
                    reason = "Init:" + text
                } else if let signal = terminated["signal"]?.intValue, signal != 0 {
                    reason = "Init:Signal:\(signal)"
                } else {
                    reason = "Init:ExitCode:\(terminated["exitCode"]?.intValue ?? 0)"
                }
            } else if let waiting = container[path: ["state", "waiting", "reason"]]?.stringValue, !waiting.isEmpty, waiting != "PodInitializing" {
                reason = "Init:" + waiting
            } else {
                reason = "Init:\(index)/\(initCount)"
            }
            initializing = true
            break
        }
        if !initializing {
            var hasRunning = false
            for container in (status["containerStatuses"]?.arrayValue ?? []).reversed() {
                if let waiting = container[path: ["state", "waiting", "reason"]]?.stringValue, !waiting.isEmpty {
                    reason = waiting
                } else if let terminated = container[path: ["state", "terminated"]] {
                    if let text = terminated["reason"]?.stringValue, !text.isEmpty {
                        reason = text
                    } else if let signal = terminated["signal"]?.intValue, signal != 0 {
                        reason = "Signal:\(signal)"
                    } else {
                        reason = "ExitCode:\(terminated["exitCode"]?.intValue ?? 0)"
                    }
                } else if container["ready"]?.boolValue == true, container[path: ["state", "running"]] != nil {
                    hasRunning = true
                }
            }
            if reason == "Completed" && hasRunning { reason = "Running" }
        }
        if pod[path: ["metadata", "deletionTimestamp"]] != nil {
            reason = status["reason"]?.stringValue == "NodeLost" ? "Unknown" : "Terminating"
        }
        return reason
    }

    private static func printerColumn(_ definition: JSONValue) -> Column {
        let type = definition["type"]?.stringValue ?? "string"
        let path = definition["jsonPath"]?.stringValue ?? ""
        let parsed = try? JSONPath(path.hasPrefix(".") ? path : "." + path)
        return Column(
            name: definition["name"]?.stringValue ?? "", type: type, format: definition["format"]?.stringValue ?? "",
            priority: definition["priority"]?.intValue ?? 0, description: definition["description"]?.stringValue ?? "",
            age: type == "date"
        ) { object in
            guard let parsed else { return .null }
            let values = parsed.evaluate(object)
            guard let first = values.first else { return .null }
            if values.count > 1 { return .string(values.map(JSONPath.text).joined(separator: ",")) }
            switch (type, first) {
            case ("integer", .int), ("number", .int), ("number", .double), ("boolean", .bool): return first
            default: return .string(JSONPath.text(first))
            }
        }
    }
}
