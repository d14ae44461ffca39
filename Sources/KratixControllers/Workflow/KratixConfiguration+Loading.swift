import KubeClient
import KubeModel

extension KratixConfiguration {
    /// Reads the ConfigMap `kratix-platform-system/kratix` through `client`.
    ///
    /// No ConfigMap means every default (as upstream); a ConfigMap without the `config` key, or with
    /// YAML that does not parse, is an error, because starting with defaults the operator did not
    /// choose would be worse than not starting.
    public static func load(client: KubeClient, environment: [String: String]) async throws(KratixConfigurationError) -> KratixConfiguration {
        let configMap: KubeObject
        do {
            configMap = try await client.get(.configMaps, name: configMapName, namespace: configMapNamespace)
        } catch .notFound {
            var defaults = KratixConfiguration()
            defaults.pipelineAdapter = PipelineAdapterImage(environment: environment)
            return defaults
        } catch {
            throw KratixConfigurationError(field: nil, message: "cannot be read: \(error)")
        }
        guard let text = configMap.json["data"]?[configMapKey]?.stringValue else {
            throw KratixConfigurationError(field: nil, message: "the ConfigMap has no \"\(configMapKey)\" key")
        }
        return try KratixConfiguration(yaml: text, environment: environment)
    }
}
