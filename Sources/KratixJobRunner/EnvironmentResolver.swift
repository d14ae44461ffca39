/// Builds a container's environment as the kubelet does: `envFrom` first, then `env` in order
/// (each value may reference earlier ones with `$(VAR)`), over the variables every container gets.
///
/// A missing Secret, ConfigMap or key that is not `optional` is a `CreateContainerConfigError`
/// with the kubelet's wording; values are never put into messages.
struct EnvironmentResolver: Sendable {
    var source: any PodDataSource
    var fields: PodFieldValues

    func resolve(_ container: Container, base: [String: String]) async throws(ContainerStartError) -> [String: String] {
        var cache = ReferenceCache(source: source, namespace: fields.namespace)
        var defined: [String: String] = [:]
        for from in container.envFrom ?? [] {
            let prefix = from.prefix ?? ""
            if let reference = from.configMapRef {
                let name = reference.name ?? ""
                guard let data = try await cache.configMap(name) else {
                    if reference.optional == true { continue }
                    throw .config("configmap \"\(name)\" not found")
                }
                for (key, value) in data where Self.isValidName(prefix + key) {
                    defined[prefix + key] = String(decoding: value, as: UTF8.self)
                }
            }
            if let reference = from.secretRef {
                let name = reference.name ?? ""
                guard let data = try await cache.secret(name) else {
                    if reference.optional == true { continue }
                    throw .config("secret \"\(name)\" not found")
                }
                for (key, value) in data where Self.isValidName(prefix + key) {
                    defined[prefix + key] = String(decoding: value, as: UTF8.self)
                }
            }
        }
        for variable in container.env ?? [] {
            if let from = variable.valueFrom {
                if let field = from.fieldRef {
                    defined[variable.name] = try fields.value(field.fieldPath)
                } else if let selector = from.secretKeyRef {
                    let name = selector.name ?? ""
                    guard let data = try await cache.secret(name) else {
                        if selector.optional == true { continue }
                        throw .config("secret \"\(name)\" not found")
                    }
                    guard let value = data[selector.key] else {
                        if selector.optional == true { continue }
                        throw .config("couldn't find key \(selector.key) in Secret \(fields.namespace)/\(name)")
                    }
                    defined[variable.name] = String(decoding: value, as: UTF8.self)
                } else if let selector = from.configMapKeyRef {
                    let name = selector.name ?? ""
                    guard let data = try await cache.configMap(name) else {
                        if selector.optional == true { continue }
                        throw .config("configmap \"\(name)\" not found")
                    }
                    guard let value = data[selector.key] else {
                        if selector.optional == true { continue }
                        throw .config("couldn't find key \(selector.key) in ConfigMap \(fields.namespace)/\(name)")
                    }
                    defined[variable.name] = String(decoding: value, as: UTF8.self)
                } else if from.resourceFieldRef != nil {
                    throw .config("env \(variable.name): resourceFieldRef is not supported by the runner (containers have no resource limits here)")
                } else {
                    throw .config("env \(variable.name): valueFrom names no source")
                }
            } else {
                let snapshot = defined
                defined[variable.name] = VariableExpansion.expand(variable.value ?? "") { snapshot[$0] ?? base[$0] }
            }
        }
        return base.merging(defined) { _, new in new }
    }

    /// What the kubelet accepts as an environment variable name from `envFrom` (1.30+: any printable
    /// ASCII but `=`); others are skipped.
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7f && $0 != UInt8(ascii: "=") }
    }
}
