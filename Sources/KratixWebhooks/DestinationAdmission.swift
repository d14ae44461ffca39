import KratixAPI
import KubeClient
import KubeModel
import KubeRuntime

/// `mdestination.kb.io` and `vdestination.kb.io` (revisions spec §4.3).
struct DestinationDefaulting: AdmissionHandler {
    /// An `aggregatedYAML` Destination without a filename writes `aggregated.yaml`. (Upstream also
    /// makes sure `metadata.annotations` exists, but an empty map is omitted from the JSON it
    /// returns, so that changes nothing on the wire.)
    func admit(_ request: AdmissionRequest) async -> AdmissionResponse {
        guard request.operation == .create || request.operation == .update, let destination = request.object,
              destination.spec?["filepath"]?["mode"]?.stringValue == "aggregatedYAML",
              (destination.spec?["filepath"]?["filename"]?.stringValue ?? "").isEmpty else { return .allow() }
        let op: JSONValue = destination.spec?["filepath"]?["filename"] == nil ? "add" : "replace"
        return .allow(patch: [["op": op, "path": "/spec/filepath/filename", "value": "aggregated.yaml"]])
    }
}

struct DestinationValidation: AdmissionHandler {
    let reader: any ObjectReader

    func admit(_ request: AdmissionRequest) async -> AdmissionResponse {
        guard request.operation == .create || request.operation == .update, let destination = request.object else { return .allow() }
        let spec = destination.spec
        let path = spec?["path"]?.stringValue ?? ""
        guard !path.isEmpty else { return .deny("path field is required") }
        guard let storeRef = spec?["stateStoreRef"], !storeRef.isNull else { return .deny("stateStoreRef field is required") }
        let kind = storeRef["kind"]?.stringValue ?? "", storeName = storeRef["name"]?.stringValue ?? ""
        var warnings: [String] = []
        let storeResource: GroupVersionResource? = switch kind {
        case BucketStateStore.apiKind: BucketStateStore.groupVersionResource
        case GitStateStore.apiKind: GitStateStore.groupVersionResource
        default: nil
        }
        if let storeResource {
            do {
                if try await reader.get(storeResource, name: storeName, namespace: nil) == nil {
                    warnings.append("referenced \(kind) \"\(storeName)\" does not exist")
                }
            } catch {
                return .deny("failed to get state store \(kind)/\(storeName): \(error)")
            }
        }
        let others: [KubeObject]
        do {
            others = try await reader.list(Destination.groupVersionResource, namespace: nil, labels: [:])
        } catch {
            return .deny("failed to list destinations: \(error)")
        }
        let clash = others.contains { other in
            other.name != destination.name && other.spec?["stateStoreRef"]?["kind"]?.stringValue == kind
                && other.spec?["stateStoreRef"]?["name"]?.stringValue == storeName && other.spec?["path"]?.stringValue == path
        }
        if clash { return .deny("destination path '\(path)' already exists for state store '\(storeName)'", warnings: warnings) }
        return .allow(warnings: warnings)
    }
}
