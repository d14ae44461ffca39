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
            let metadata = item["metadata"]?.objectValue ?? [:]
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

    /// The columns of a kind, as the real server's printers (built-in kinds, Kubernetes 1.28) and
    /// CRD printer columns (custom resources) define them.
    static func columns(for resource: APIResource) -> [Column] {
        typealias D = Descriptions
        let name = Column(name: "Name", type: "string", format: "name", description: D.name) { $0[path: ["metadata", "name"]] ?? "" }
        let age = Column(name: "Age", type: "string", description: D.creationTimestamp, age: true) { $0[path: ["metadata", "creationTimestamp"]] ?? .null }
        let createdAt = Column(name: "Created At", type: "date", description: D.creationTimestamp) { $0[path: ["metadata", "creationTimestamp"]] ?? .null }
        if resource.schema != nil {
            // A CRD without columns gets the Age column the apiextensions server adds to every CRD.
            let columns = resource.printerColumns.isEmpty
                ? [["name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"] as JSONValue] : resource.printerColumns
            return [name] + columns.map(printerColumn)
        }
        func path(_ p: String...) -> (JSONValue) -> JSONValue { { $0[path: p] ?? "" } }
        func orNone(_ p: String...) -> (JSONValue) -> JSONValue {
            { .string(($0[path: p]?.stringValue).flatMap { $0.isEmpty ? nil : $0 } ?? "<none>") }
        }
        func count(_ p: String...) -> (JSONValue) -> JSONValue {
            { .int(Int64(($0[path: p]?.objectValue?.count ?? $0[path: p]?.arrayValue?.count) ?? 0)) }
        }
        switch (resource.group, resource.plural) {
        case ("", "namespaces"):
            return [name, Column(name: "Status", type: "string", description: D.namespaceStatus, cell: path("status", "phase")), age]
        case ("", "secrets"):
            return [name, Column(name: "Type", type: "string", description: D.secretType, cell: path("type")),
                    Column(name: "Data", type: "string", description: D.secretData) { .int(Int64(($0["data"]?.objectValue?.count ?? 0))) }, age]
        case ("", "configmaps"):
            return [name, Column(name: "Data", type: "string", description: D.configMapData) {
                .int(Int64(($0["data"]?.objectValue?.count ?? 0) + ($0["binaryData"]?.objectValue?.count ?? 0)))
            }, age]
        case ("", "serviceaccounts"):
            return [name, Column(name: "Secrets", type: "string", description: D.serviceAccountSecrets, cell: count("secrets")), age]
        case ("", "pods"):
            return [
                name,
                Column(name: "Ready", type: "string", description: D.podReady) { pod in
                    let statuses = pod[path: ["status", "containerStatuses"]]?.arrayValue ?? []
                    let total = pod[path: ["spec", "containers"]]?.arrayValue?.count ?? statuses.count
                    return .string("\(statuses.filter { $0["ready"] == true }.count)/\(total)")
                },
                Column(name: "Status", type: "string", description: D.podStatus) { .string(podStatus($0)) },
                Column(name: "Restarts", type: "string", description: D.podRestarts) { .string(podRestarts($0, now: Date())) },
                age,
                Column(name: "IP", type: "string", priority: 1, description: D.podIP, cell: orNone("status", "podIP")),
                Column(name: "Node", type: "string", priority: 1, description: D.nodeName, cell: orNone("spec", "nodeName")),
                Column(name: "Nominated Node", type: "string", priority: 1, description: D.nominatedNodeName, cell: orNone("status", "nominatedNodeName")),
                Column(name: "Readiness Gates", type: "string", priority: 1, description: D.readinessGates) { pod in
                    let gates = pod[path: ["spec", "readinessGates"]]?.arrayValue ?? []
                    guard !gates.isEmpty else { return "<none>" }
                    let conditions = pod[path: ["status", "conditions"]]?.arrayValue ?? []
                    let met = gates.filter { gate in conditions.contains { $0["type"] == gate["conditionType"] && $0["status"] == "True" } }.count
                    return .string("\(met)/\(gates.count)")
                },
            ]
        case ("batch", "jobs"):
            return [
                name,
                Column(name: "Completions", type: "string", description: D.jobCompletions) { job in
                    let succeeded = job[path: ["status", "succeeded"]]?.intValue ?? 0
                    if let completions = job[path: ["spec", "completions"]]?.intValue { return .string("\(succeeded)/\(completions)") }
                    let parallelism = job[path: ["spec", "parallelism"]]?.intValue ?? 0
                    return .string(parallelism > 1 ? "\(succeeded)/1 of \(parallelism)" : "\(succeeded)/1")
                },
                Column(name: "Duration", type: "string", description: D.jobDuration) { job in
                    guard let start = job[path: ["status", "startTime"]]?.stringValue.flatMap(Timestamp.parse) else { return "" }
                    let end = job[path: ["status", "completionTime"]]?.stringValue.flatMap(Timestamp.parse) ?? Date()
                    return .string(HumanDuration.format(seconds: end.timeIntervalSince(start)))
                },
                age,
            ] + templateColumns(selectorDescription: D.jobSelector)
        case ("apps", "deployments"):
            return [
                name,
                Column(name: "Ready", type: "string", description: D.deploymentReady) { deployment in
                    .string("\(deployment[path: ["status", "readyReplicas"]]?.intValue ?? 0)/\(deployment[path: ["spec", "replicas"]]?.intValue ?? 0)")
                },
                Column(name: "Up-to-date", type: "string", description: D.deploymentUpToDate) { .int($0[path: ["status", "updatedReplicas"]]?.intValue ?? 0) },
                Column(name: "Available", type: "string", description: D.deploymentAvailable) { .int($0[path: ["status", "availableReplicas"]]?.intValue ?? 0) },
                age,
            ] + templateColumns(selectorDescription: D.deploymentSelector)
        case ("apps", "replicasets"):
            return [
                name,
                Column(name: "Desired", type: "integer", description: D.replicaSetDesired) { .int($0[path: ["spec", "replicas"]]?.intValue ?? 0) },
                Column(name: "Current", type: "integer", description: D.replicaSetCurrent) { .int($0[path: ["status", "replicas"]]?.intValue ?? 0) },
                Column(name: "Ready", type: "integer", description: D.replicaSetReady) { .int($0[path: ["status", "readyReplicas"]]?.intValue ?? 0) },
                age,
            ] + templateColumns(selectorDescription: D.replicaSetSelector)
        case ("", "services"):
            return [
                name,
                Column(name: "Type", type: "string", description: D.serviceType, cell: path("spec", "type")),
                Column(name: "Cluster-IP", type: "string", description: D.clusterIP, cell: orNone("spec", "clusterIP")),
                Column(name: "External-IP", type: "string", description: D.externalIPs) { .string(serviceExternalIP($0)) },
                Column(name: "Port(s)", type: "string", description: D.servicePorts) { service in
                    let ports = (service[path: ["spec", "ports"]]?.arrayValue ?? []).map { port -> String in
                        let number = port["port"]?.intValue ?? 0
                        let proto = port["protocol"]?.stringValue ?? "TCP"
                        if let node = port["nodePort"]?.intValue, node != 0 { return "\(number):\(node)/\(proto)" }
                        return "\(number)/\(proto)"
                    }
                    return .string(ports.isEmpty ? "<none>" : ports.joined(separator: ","))
                },
                age,
                Column(name: "Selector", type: "string", priority: 1, description: D.serviceSelector) { service in
                    let labels = (service[path: ["spec", "selector"]]?.objectValue ?? [:]).sorted { $0.key < $1.key }
                    return .string(labels.isEmpty ? "<none>" : labels.map { "\($0.key)=\($0.value.stringValue ?? "")" }.joined(separator: ","))
                },
            ]
        case ("rbac.authorization.k8s.io", "roles"), ("rbac.authorization.k8s.io", "clusterroles"):
            return [name, createdAt]
        case ("rbac.authorization.k8s.io", "rolebindings"), ("rbac.authorization.k8s.io", "clusterrolebindings"):
            func subjects(_ kind: String) -> (JSONValue) -> JSONValue {
                { binding in
                    .string((binding["subjects"]?.arrayValue ?? []).filter { $0["kind"]?.stringValue == kind }.map { subject in
                        let name = subject["name"]?.stringValue ?? ""
                        guard kind == "ServiceAccount" else { return name }
                        return "\(subject["namespace"]?.stringValue ?? "")/\(name)"
                    }.joined(separator: ", "))
                }
            }
            return [
                name,
                Column(name: "Role", type: "string", description: D.roleRef) { .string("\($0[path: ["roleRef", "kind"]]?.stringValue ?? "")/\($0[path: ["roleRef", "name"]]?.stringValue ?? "")") },
                age,
                Column(name: "Users", type: "string", priority: 1, description: D.bindingUsers, cell: subjects("User")),
                Column(name: "Groups", type: "string", priority: 1, description: D.bindingGroups, cell: subjects("Group")),
                Column(name: "ServiceAccounts", type: "string", priority: 1, description: D.bindingServiceAccounts, cell: subjects("ServiceAccount")),
            ]
        case ("apiextensions.k8s.io", "customresourcedefinitions"):
            return [name, createdAt]
        case ("admissionregistration.k8s.io", "validatingwebhookconfigurations"), ("admissionregistration.k8s.io", "mutatingwebhookconfigurations"):
            return [name, Column(name: "Webhooks", type: "integer", description: D.webhooks, cell: count("webhooks")), age]
        case ("coordination.k8s.io", "leases"):
            return [name, Column(name: "Holder", type: "string", description: D.leaseHolder, cell: path("spec", "holderIdentity")), age]
        case ("", "events"):
            func time(_ event: JSONValue, _ field: String) -> JSONValue {
                event[field].flatMap { $0.isNull ? nil : $0 } ?? event["eventTime"].flatMap { $0.isNull ? nil : $0 } ?? event[path: ["metadata", "creationTimestamp"]] ?? .null
            }
            return [
                Column(name: "Last Seen", type: "string", description: D.eventLastSeen, age: true) { time($0, "lastTimestamp") },
                Column(name: "Type", type: "string", description: D.eventType, cell: path("type")),
                Column(name: "Reason", type: "string", description: D.eventReason, cell: path("reason")),
                Column(name: "Object", type: "string", description: D.eventObject) { event in
                    let kind = event[path: ["involvedObject", "kind"]]?.stringValue?.lowercased() ?? ""
                    return .string("\(kind)/\(event[path: ["involvedObject", "name"]]?.stringValue ?? "")")
                },
                Column(name: "Subobject", type: "string", priority: 1, description: D.eventSubobject, cell: path("involvedObject", "fieldPath")),
                Column(name: "Source", type: "string", priority: 1, description: D.eventSource) { event in
                    let component = event[path: ["source", "component"]]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
                        ?? event["reportingComponent"]?.stringValue ?? ""
                    let host = event[path: ["source", "host"]]?.stringValue ?? ""
                    return .string(host.isEmpty ? component : "\(component), \(host)")
                },
                Column(name: "Message", type: "string", description: D.eventMessage, cell: path("message")),
                Column(name: "First Seen", type: "string", priority: 1, description: D.eventFirstSeen, age: true) { time($0, "firstTimestamp") },
                Column(name: "Count", type: "string", priority: 1, description: D.eventCount) { .int($0["count"]?.intValue ?? 1) },
                Column(name: "Name", type: "string", format: "name", priority: 1, description: D.name) { $0[path: ["metadata", "name"]] ?? "" },
            ]
        default:
            return [name, age]
        }
    }

    /// The wide columns of a kind with a pod template (Jobs, Deployments, ReplicaSets).
    private static func templateColumns(selectorDescription: String) -> [Column] {
        [
            Column(name: "Containers", type: "string", priority: 1, description: Descriptions.templateContainers) { templateContainers($0, \.name) },
            Column(name: "Images", type: "string", priority: 1, description: Descriptions.templateImages) { templateContainers($0, \.image) },
            Column(name: "Selector", type: "string", priority: 1, description: selectorDescription) { .string(selector($0[path: ["spec", "selector"]])) },
        ]
    }

    /// The container names or images of a pod template, comma-separated.
    private static func templateContainers(_ object: JSONValue, _ field: KeyPath<ContainerSummary, String>) -> JSONValue {
        let containers = (object[path: ["spec", "template", "spec", "containers"]]?.arrayValue ?? []).map {
            ContainerSummary(name: $0["name"]?.stringValue ?? "", image: $0["image"]?.stringValue ?? "")
        }
        return .string(containers.map { $0[keyPath: field] }.joined(separator: ","))
    }

    private struct ContainerSummary { var name: String; var image: String }

    /// A label selector as `metav1.FormatLabelSelector` writes it: `app=web,tier in (a,b)`, `<none>` for none.
    static func selector(_ selector: JSONValue?) -> String {
        guard let selector, !selector.isNull else { return "<none>" }
        var parts = (selector["matchLabels"]?.objectValue ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.stringValue ?? "")" }
        for expression in selector["matchExpressions"]?.arrayValue ?? [] {
            let key = expression["key"]?.stringValue ?? ""
            let values = (expression["values"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: ",")
            switch expression["operator"]?.stringValue ?? "" {
            case "In": parts.append("\(key) in (\(values))")
            case "NotIn": parts.append("\(key) notin (\(values))")
            case "Exists": parts.append(key)
            case "DoesNotExist": parts.append("!\(key)")
            default: break
            }
        }
        return parts.isEmpty ? "<none>" : parts.joined(separator: ",")
    }

    /// A Service's EXTERNAL-IP cell: load balancer ingress or external IPs, `<pending>` or `<none>`.
    private static func serviceExternalIP(_ service: JSONValue) -> String {
        let external = (service[path: ["spec", "externalIPs"]]?.arrayValue ?? []).compactMap(\.stringValue)
        let ingress = (service[path: ["status", "loadBalancer", "ingress"]]?.arrayValue ?? []).compactMap { $0["ip"]?.stringValue ?? $0["hostname"]?.stringValue }
        switch service[path: ["spec", "type"]]?.stringValue ?? "" {
        case "LoadBalancer":
            let all = ingress + external
            return all.isEmpty ? "<pending>" : all.joined(separator: ",")
        case "ExternalName": return service[path: ["spec", "externalName"]]?.stringValue ?? "<none>"
        default: return external.isEmpty ? "<none>" : external.joined(separator: ",")
        }
    }

    /// A pod's RESTARTS cell: the restart count, and how long ago the last one was (`3 (5m ago)`).
    static func podRestarts(_ pod: JSONValue, now: Date) -> String {
        var restarts: Int64 = 0
        var last: Date?
        for container in (pod[path: ["status", "containerStatuses"]]?.arrayValue ?? []) {
            restarts += container["restartCount"]?.intValue ?? 0
            if let finished = container[path: ["lastState", "terminated", "finishedAt"]]?.stringValue.flatMap(Timestamp.parse), last.map({ finished > $0 }) ?? true {
                last = finished
            }
        }
        guard restarts > 0, let last else { return String(restarts) }
        return "\(restarts) (\(HumanDuration.format(seconds: now.timeIntervalSince(last))) ago)"
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
            priority: definition["priority"]?.intValue ?? 0,
            description: definition["description"]?.stringValue ?? "Custom resource definition column (in JSONPath format): \(path)",
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
