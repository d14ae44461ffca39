/// Reads each Secret and ConfigMap at most once while one container's environment is resolved.
struct ReferenceCache {
    var source: any PodDataSource
    var namespace: String
    private var secrets: [String: [String: [UInt8]]?] = [:]
    private var configMaps: [String: [String: [UInt8]]?] = [:]

    init(source: any PodDataSource, namespace: String) {
        self.source = source
        self.namespace = namespace
    }

    mutating func secret(_ name: String) async throws(ContainerStartError) -> [String: [UInt8]]? {
        if let cached = secrets[name] { return cached }
        do {
            let data = try await source.secret(namespace: namespace, name: name)
            secrets[name] = .some(data)
            return data
        } catch {
            throw .config("cannot read secret \"\(name)\" in namespace \(namespace): \(error)")
        }
    }

    mutating func configMap(_ name: String) async throws(ContainerStartError) -> [String: [UInt8]]? {
        if let cached = configMaps[name] { return cached }
        do {
            let data = try await source.configMap(namespace: namespace, name: name)
            configMaps[name] = .some(data)
            return data
        } catch {
            throw .config("cannot read configmap \"\(name)\" in namespace \(namespace): \(error)")
        }
    }
}
