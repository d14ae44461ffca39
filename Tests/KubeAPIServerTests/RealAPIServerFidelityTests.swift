import Foundation
import KratixTestSupport
import KubeModel
import Testing

/// The embedded server answers what a real kube-apiserver v1.28.7 answered
/// (`../shared/testdata/apiserver/real-kube-apiserver-1.28.json`, issue 16): the same requests are
/// sent over HTTP, and the created objects, the objects read back, the Tables and the refusals are
/// compared field by field. Only what the recording's README lists as varying is masked (uids,
/// resourceVersions, times, cluster IPs, generated names and suffixes, ages).
@Suite(.serialized) struct RealAPIServerFidelityTests {
    static let recordingPath = TestEnvironment.sharedDirectory.appendingPathComponent("testdata/apiserver/real-kube-apiserver-1.28.json").path

    /// Keys whose values differ from run to run on any server.
    static let varyingKeys: Set<String> = [
        "uid", "resourceVersion", "creationTimestamp", "time", "clusterIP", "clusterIPs", "lastTransitionTime", "lastUpdateTime",
        "startTime", "firstTimestamp", "lastTimestamp", "eventTime",
        // A ReplicaSet's generated suffix, as a label.
        "pod-template-hash",
    ]

    @Test func createsReadsTablesAndRefusalsMatchARealServer() async throws {
        let curl = try TestEnvironment.require("curl")
        let recording = try JSONParser.parse(String(contentsOfFile: Self.recordingPath, encoding: .utf8))
        try await TestAPIServer.with { server in
            var differences: [String] = []
            func send(_ method: String, _ path: String, body: JSONValue? = nil, table: Bool = false) async throws -> (Int, JSONValue) {
                // No User-Agent, as the recording client sent none: the field manager is then "unknown".
                var arguments = ["-s", "-X", method, "-H", "User-Agent:", "-w", "\n%{http_code}", server.url + path]
                arguments += ["-H", table ? "Accept: application/json;as=Table;v=v1;g=meta.k8s.io,application/json" : "Accept: application/json"]
                if body != nil { arguments += ["-H", "Content-Type: application/json", "--data-binary", "@-"] }
                let output = try await TestShell.run(curl, arguments, stdin: body?.serialized())
                let text = output.stdout
                let split = text.lastIndex(of: "\n") ?? text.startIndex
                return (Int(text[text.index(after: split)...]) ?? 0, try JSONParser.parse(String(text[..<split])))
            }

            /// A recorded POST: the status code and the answer, against the recording's.
            func create(_ entry: JSONValue, _ kind: String, statusKey: String, responseKey: String) async throws {
                let request = entry["request"] ?? .null
                let label = "\(kind) \(request["kind"]?.stringValue ?? "")/\(request[path: ["metadata", "name"]]?.stringValue ?? "")"
                let (status, body) = try await send("POST", Self.collectionPath(request), body: request)
                if status != entry[statusKey]?.intValue.map(Int.init) { differences.append("\(label): status \(status)") }
                differences += Self.differences(Self.normalize(body), Self.normalize(entry[responseKey] ?? .null), at: label)
            }

            for entry in recording["valid"]?.arrayValue ?? [] {
                try await create(entry, "create", statusKey: "createStatus", responseKey: "createResponse")
            }
            for entry in recording["get"]?.arrayValue ?? [] {
                let path = entry["path"]?.stringValue ?? ""
                let (_, body) = try await send("GET", path)
                differences += Self.differences(Self.normalize(body), Self.normalize(entry["response"] ?? .null), at: "get \(path)")
            }
            for entry in recording["tables"]?.arrayValue ?? [] {
                let path = entry["path"]?.stringValue ?? ""
                let (_, body) = try await send("GET", path, table: true)
                differences += Self.tableDifferences(body, entry["response"] ?? .null, at: "table \(path)")
            }
            for entry in recording["invalid"]?.arrayValue ?? [] {
                try await create(entry, "invalid", statusKey: "status", responseKey: "response")
            }
            #expect(differences.isEmpty, "\(differences.count) differences:\n\(differences.joined(separator: "\n"))")
            // The comparison itself can fail: a changed default is noticed.
            #expect(!Self.differences(["spec": ["backoffLimit": 6]], ["spec": ["backoffLimit": 5]], at: "probe").isEmpty)
        }
    }

    /// The URL of the collection an object of the recording is created in.
    static func collectionPath(_ object: JSONValue) -> String {
        let apiVersion = object["apiVersion"]?.stringValue ?? ""
        let kind = object["kind"]?.stringValue ?? ""
        let plural = kind.lowercased() + (kind.hasSuffix("s") ? "es" : "s")
        let prefix = apiVersion == "v1" ? "/api/v1" : "/apis/\(apiVersion)"
        let clusterScoped = ["Namespace", "CustomResourceDefinition"].contains(kind)
        let namespace = clusterScoped ? nil : object[path: ["metadata", "namespace"]]?.stringValue
        return prefix + (namespace.map { "/namespaces/\($0)" } ?? "") + "/" + plural
    }

    /// Masks what varies between runs and servers.
    static func normalize(_ value: JSONValue) -> JSONValue { mask(value) }

    static func mask(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let o):
            var out = JSONObject()
            // Keys too: a managedFields entry names an owner reference by its uid.
            for (key, child) in o { out[mask(.string(key)).stringValue ?? key] = varyingKeys.contains(key) && !child.isNull ? "<varies>" : mask(child) }
            return .object(out)
        case .array(let a):
            return .array(a.map(mask))
        case .string(let s):
            var text = s.replacing(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/, with: "<uuid>")
            text = text.replacing(/kube-api-access-[a-z0-9]{5}/, with: "kube-api-access-<suffix>")
            // The Deployment's ReplicaSet (its pod-template hash), its pods and Events: generated names.
            text = text.replacing(/web-[bcdfghjklmnpqrstvwxz2456789]{6,10}/, with: "web-<hash>")
            text = text.replacing(/<hash>-[a-z0-9]{5}/, with: "<hash>-<suffix>")
            text = text.replacing(/\.[0-9a-f]{14,16}$/, with: ".<suffix>")
            return .string(text)
        default:
            return value
        }
    }

    /// Tables: the column definitions exactly; rows of the objects both servers hold (the recording's
    /// cluster also had other namespaces and CRDs), with ages, timestamps and cluster IPs masked.
    static func tableDifferences(_ ours: JSONValue, _ real: JSONValue, at label: String) -> [String] {
        let columns = real["columnDefinitions"]?.arrayValue ?? []
        var out = differences(ours["columnDefinitions"] ?? .null, .array(columns), at: label + " columns")
        let masked: Set<String> = ["Age", "Last Seen", "First Seen", "Created At", "Created", "Cluster-IP"]
        func rows(_ table: JSONValue) -> [String: JSONValue] {
            var byName: [String: JSONValue] = [:]
            for row in table["rows"]?.arrayValue ?? [] {
                var cells = row["cells"]?.arrayValue ?? []
                for (i, column) in columns.enumerated() where i < cells.count {
                    if masked.contains(column["name"]?.stringValue ?? "") { cells[i] = "<masked>" }
                }
                let name = mask(row[path: ["object", "metadata", "name"]] ?? "").stringValue ?? ""
                byName[name] = ["cells": mask(.array(cells)), "object": normalize(row["object"] ?? .null)]
            }
            return byName
        }
        let ourRows = rows(ours)
        let realRows = rows(real)
        let shared = Set(ourRows.keys).intersection(realRows.keys)
        if shared.isEmpty && !realRows.isEmpty { out.append("\(label): no row in common") }
        if !label.contains("customresourcedefinitions") && !label.hasSuffix("/namespaces") {
            // Namespaced lists hold only what this test made: every row must match.
            for name in Set(realRows.keys).symmetricDifference(ourRows.keys).sorted() { out.append("\(label): row \(name) on one server only") }
        }
        for name in shared.sorted() {
            out += differences(ourRows[name] ?? .null, realRows[name] ?? .null, at: "\(label) row \(name)")
        }
        return out
    }

    static func differences(_ ours: JSONValue, _ real: JSONValue, at path: String) -> [String] {
        switch (ours, real) {
        case (.object(let a), .object(let b)):
            var out: [String] = []
            for key in Set(a.keys).union(b.keys).sorted() {
                switch (a[key], b[key]) {
                case (nil, let r?): out.append("\(path).\(key): missing, real server has \(r.serialized())")
                case (let o?, nil): out.append("\(path).\(key): extra \(o.serialized())")
                case (let o?, let r?): out += differences(o, r, at: "\(path).\(key)")
                default: break
                }
            }
            return out
        case (.array(let a), .array(let b)) where a.count == b.count:
            return zip(a, b).enumerated().flatMap { i, pair in differences(pair.0, pair.1, at: "\(path)[\(i)]") }
        default:
            return ours == real ? [] : ["\(path): \(ours.serialized()), real server has \(real.serialized())"]
        }
    }
}
