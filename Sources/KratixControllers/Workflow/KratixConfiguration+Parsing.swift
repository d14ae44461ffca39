import KubeModel

extension KratixConfiguration {
    /// Parses the YAML text of the `config` key.
    ///
    /// An empty document gives the defaults of a present ConfigMap (which differ from "no ConfigMap"
    /// only in ``Workflows/defaultContainerSecurityContext``).
    public init(yaml text: String, environment: [String: String] = [:]) throws(KratixConfigurationError) {
        let value: JSONValue
        do {
            let documents = try YAMLReader.documents(in: text, source: Self.source)
            value = documents.first?.value ?? .null
        } catch {
            throw KratixConfigurationError(field: error.field, message: error.message)
        }
        try self.init(json: value, environment: environment)
    }

    /// Reads the parsed `config` document.
    public init(json value: JSONValue, environment: [String: String] = [:]) throws(KratixConfigurationError) {
        self.init()
        pipelineAdapter = PipelineAdapterImage(environment: environment)
        workflows.defaultContainerSecurityContext = .object([:])
        var reader = ConfigurationReader()
        let root: JSONObject
        switch value {
        case .null: root = [:]
        case .object(let o): root = o
        default: throw KratixConfigurationError(field: nil, message: "expected a map, found \(value.typeName)")
        }
        for (key, member) in root {
            switch key {
            case "numberOfJobsToKeep":
                let n = try reader.int(member, key)
                numberOfJobsToKeep = n.map { $0 < 1 ? 5 : Int($0) } ?? 5
            case "reconciliationInterval":
                if let d = try reader.duration(member, key) { reconciliationInterval = d }
            case "workflows":
                try readWorkflows(member, &reader)
            case "resourceBindingVersionStrategy":
                let text = try reader.string(member, key) ?? ""
                resourceBindingVersionStrategy = ResourceBindingVersionStrategy(rawValue: text) ?? .floating
                if !text.isEmpty && ResourceBindingVersionStrategy(rawValue: text) == nil {
                    reader.warn("resourceBindingVersionStrategy must be 'floating' or 'pinned'; defaulting to 'floating'")
                }
            case "featureFlags":
                for (flag, flagValue) in try reader.object(member, key) {
                    let path = "\(key).\(flag)"
                    switch flag {
                    case "dryRun": dryRunEnabled = try reader.bool(flagValue, path) ?? false
                    case "promiseUpgrade": reader.warn("\(path) is deprecated and ignored")
                    default: reader.warn("\(path): unknown field, ignored")
                    }
                }
            case "selectiveCache":
                selectiveCache = try reader.bool(member, key) ?? false
            case "controllerLeaderElection":
                for (field, fieldValue) in try reader.object(member, key) {
                    let path = "\(key).\(field)"
                    switch field {
                    case "leaseDuration": if let d = try reader.duration(fieldValue, path) { leaderElection.leaseDuration = d }
                    case "renewDeadline": if let d = try reader.duration(fieldValue, path) { leaderElection.renewDeadline = d }
                    case "retryPeriod": if let d = try reader.duration(fieldValue, path) { leaderElection.retryPeriod = d }
                    default: reader.warn("\(path): unknown field, ignored")
                    }
                }
            case "stateStoreReconciliationInterval":
                if let d = try reader.duration(member, key) { stateStoreReconciliationInterval = d }
            case "git":
                for (field, fieldValue) in try reader.object(member, key) {
                    let path = "\(key).\(field)"
                    if field == "minimumFetchInterval" {
                        if let d = try reader.duration(fieldValue, path) { gitMinimumFetchInterval = d }
                    } else {
                        reader.warn("\(path): unknown field, ignored")
                    }
                }
            case "logging":
                for (field, fieldValue) in try reader.object(member, key) {
                    let path = "\(key).\(field)"
                    switch field {
                    case "level":
                        let text = (try reader.string(fieldValue, path) ?? "info").lowercased()
                        logLevelConfigured = !text.isEmpty
                        switch text {
                        case "", "info": logLevel = .info
                        case "trace": logLevel = .trace
                        case "debug": logLevel = .debug
                        case "warn", "warning": logLevel = .warning
                        case "error": logLevel = .error
                        default:
                            throw KratixConfigurationError(
                                field: path, message: "unknown level \"\(text)\" (expected trace, debug, info, warn or error)")
                        }
                    case "structured":
                        let structured = try reader.bool(fieldValue, path)
                        structuredLogging = structured ?? true
                        structuredLoggingConfigured = structured != nil
                    default: reader.warn("\(path): unknown field, ignored")
                    }
                }
            case "telemetry":
                telemetry = member.isNull ? nil : member
            default:
                reader.warn("\(key): unknown field, ignored")
            }
        }
        warnings = reader.warnings
    }

    private mutating func readWorkflows(_ value: JSONValue, _ reader: inout ConfigurationReader) throws(KratixConfigurationError) {
        for (key, member) in try reader.object(value, "workflows") {
            let path = "workflows.\(key)"
            switch key {
            case "reconcileAfterFailure":
                workflows.reconcileAfterFailure = try reader.bool(member, path) ?? true
            case "jobOptions":
                for (option, optionValue) in try reader.object(member, path) {
                    let optionPath = "\(path).\(option)"
                    switch option {
                    case "defaultBackoffLimit":
                        if let n = try reader.int(optionValue, optionPath) {
                            guard n >= 0, n <= Int64(Int32.max) else {
                                throw KratixConfigurationError(field: optionPath, message: "must be between 0 and \(Int32.max), found \(n)")
                            }
                            workflows.defaultBackoffLimit = Int32(n)
                        }
                    case "podTTLSecondsAfterFinished":
                        workflows.podTTLSecondsAfterFinished = try reader.int(optionValue, optionPath)
                        if let ttl = workflows.podTTLSecondsAfterFinished, ttl <= 0 {
                            reader.warn("workflows.jobOptions.podTTLSecondsAfterFinished must be greater than zero; value ignored")
                            workflows.podTTLSecondsAfterFinished = nil
                        }
                    default: reader.warn("\(optionPath): unknown field, ignored")
                    }
                }
            case "defaultImagePullPolicy":
                let policy = try reader.string(member, path)
                if let policy, !policy.isEmpty {
                    guard ["Always", "IfNotPresent", "Never"].contains(policy) else {
                        throw KratixConfigurationError(field: path, message: "unknown pull policy \"\(policy)\" (expected Always, IfNotPresent or Never)")
                    }
                    workflows.defaultImagePullPolicy = policy
                }
            case "defaultContainerSecurityContext":
                if case .null = member { break }
                _ = try reader.object(member, path)
                workflows.defaultContainerSecurityContext = member
            case "defaultContainerResources":
                if case .null = member { break }
                _ = try reader.object(member, path)
                workflows.defaultContainerResources = member
            default:
                reader.warn("\(path): unknown field, ignored")
            }
        }
    }
}

/// Typed access to the configuration document with errors that name the field.
private struct ConfigurationReader {
    var warnings: [String] = []

    mutating func warn(_ message: String) { warnings.append(message) }

    func object(_ value: JSONValue, _ path: String) throws(KratixConfigurationError) -> JSONObject {
        switch value {
        case .null: return [:]
        case .object(let o): return o
        default: throw mismatch(path, "map", value)
        }
    }

    func int(_ value: JSONValue, _ path: String) throws(KratixConfigurationError) -> Int64? {
        switch value {
        case .null: return nil
        case .int(let i): return i
        case .double(let d) where d.rounded() == d && abs(d) < 9.2e18: return Int64(d)
        default: throw mismatch(path, "integer", value)
        }
    }

    func bool(_ value: JSONValue, _ path: String) throws(KratixConfigurationError) -> Bool? {
        switch value {
        case .null: return nil
        case .bool(let b): return b
        default: throw mismatch(path, "boolean", value)
        }
    }

    func string(_ value: JSONValue, _ path: String) throws(KratixConfigurationError) -> String? {
        switch value {
        case .null: return nil
        case .string(let s): return s
        default: throw mismatch(path, "string", value)
        }
    }

    /// A Go duration string (`10h`, `1h30m`), as `metav1.Duration` reads it.
    func duration(_ value: JSONValue, _ path: String) throws(KratixConfigurationError) -> Duration? {
        guard let text = try string(value, path) else { return nil }
        guard let d = GoDuration.parse(text) else {
            throw KratixConfigurationError(field: path, message: "invalid duration \"\(text)\" (expected a Go duration such as 10h or 1h30m)")
        }
        return d
    }

    private func mismatch(_ path: String, _ expected: String, _ found: JSONValue) -> KratixConfigurationError {
        KratixConfigurationError(field: path, message: "expected \(expected), found \(found.typeName)")
    }
}
