import KubeModel

/// `ValidatingWebhookConfiguration` and `MutatingWebhookConfiguration`: the defaults the real
/// server's `admissionregistration/v1` conversion gives every webhook, and the checks of its
/// validation that catch the mistakes people make (a short name, no `sideEffects`, no
/// `admissionReviewVersions`, both or neither of `url` and `service`, an `http` URL, a timeout
/// out of range, unknown policies and operations), with upstream's messages.
extension BuiltinWriteRules {
    static func webhookConfiguration(_ object: inout JSONObject, kind: String, mutating: Bool, name: String) throws(APIError) {
        guard let given = object["webhooks"], !given.isNull else { return }
        guard let webhooks = given.arrayValue else {
            throw APIError.badRequest("\(kind) in version \"v1\" cannot be handled as a \(kind): webhooks: expected an array, found \(given.typeName)")
        }
        var causes: [(field: String, message: String)] = []
        var seen: Set<String> = []
        var defaulted: [JSONValue] = []
        for (index, entry) in webhooks.enumerated() {
            guard var webhook = entry.objectValue else {
                throw APIError.badRequest("\(kind) in version \"v1\" cannot be handled as a \(kind): webhooks[\(index)]: expected an object, found \(entry.typeName)")
            }
            defaults(&webhook, mutating: mutating)
            causes += problems(of: webhook, path: "webhooks[\(index)]", mutating: mutating)
            if let hookName = webhook["name"]?.stringValue, !hookName.isEmpty {
                if seen.contains(hookName) { causes.append(("webhooks[\(index)].name", "Duplicate value: \"\(hookName)\"")) }
                seen.insert(hookName)
            }
            defaulted.append(.object(webhook))
        }
        if !causes.isEmpty {
            throw APIError.invalid(kind: kind, group: "admissionregistration.k8s.io", name: name, causes: causes)
        }
        object["webhooks"] = .array(defaulted)
    }

    /// `SetDefaults_ValidatingWebhook` / `SetDefaults_MutatingWebhook` and their rules' and
    /// services' defaults.
    static func defaults(_ webhook: inout JSONObject, mutating: Bool) {
        func setIfAbsent(_ key: String, _ value: JSONValue) { if webhook[key] == nil || webhook[key]!.isNull { webhook[key] = value } }
        setIfAbsent("failurePolicy", "Fail")
        setIfAbsent("matchPolicy", "Equivalent")
        setIfAbsent("namespaceSelector", [:])
        setIfAbsent("objectSelector", [:])
        setIfAbsent("timeoutSeconds", 10)
        if mutating { setIfAbsent("reinvocationPolicy", "Never") }
        if let rules = webhook["rules"]?.arrayValue {
            webhook["rules"] = .array(rules.map { rule in
                guard var rule = rule.objectValue else { return rule }
                if rule["scope"] == nil || rule["scope"]!.isNull { rule["scope"] = "*" }
                return .object(rule)
            })
        }
        if var clientConfig = webhook["clientConfig"]?.objectValue, var service = clientConfig["service"]?.objectValue {
            if service["port"] == nil || service["port"]!.isNull { service["port"] = 443 }
            clientConfig["service"] = .object(service)
            webhook["clientConfig"] = .object(clientConfig)
        }
    }

    /// The checks of upstream's `validateValidatingWebhook` / `validateMutatingWebhook` that a
    /// person is likely to fail (match conditions are not checked).
    static func problems(of webhook: JSONObject, path: String, mutating: Bool) -> [(field: String, message: String)] {
        var causes: [(field: String, message: String)] = []
        func supported(_ field: String, _ value: JSONValue?, _ values: [String]) {
            guard let value, !value.isNull else { return }
            let text = value.stringValue ?? value.serialized()
            if !values.contains(text) {
                causes.append(("\(path).\(field)", "Unsupported value: \"\(text)\": supported values: \(values.map { "\"\($0)\"" }.joined(separator: ", "))"))
            }
        }
        let name = webhook["name"]?.stringValue ?? ""
        if name.isEmpty {
            causes.append(("\(path).name", "Required value"))
        } else if !LabelValidation.isDNSSubdomain(name) {
            causes.append(("\(path).name", "Invalid value: \"\(name)\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"))
        } else if name.split(separator: ".", omittingEmptySubsequences: false).count < 3 {
            causes.append(("\(path).name", "Invalid value: \"\(name)\": should be a domain with at least three segments separated by dots"))
        }
        for (index, rule) in (webhook["rules"]?.arrayValue ?? []).enumerated() {
            let rulePath = "\(path).rules[\(index)]"
            let operations = (rule["operations"]?.arrayValue ?? []).compactMap(\.stringValue)
            if operations.isEmpty { causes.append(("\(rulePath).operations", "Required value")) }
            for (i, operation) in operations.enumerated() where !["*", "CONNECT", "CREATE", "DELETE", "UPDATE"].contains(operation) {
                causes.append(("\(rulePath).operations[\(i)]", "Unsupported value: \"\(operation)\": supported values: \"*\", \"CONNECT\", \"CREATE\", \"DELETE\", \"UPDATE\""))
            }
            if (rule["apiGroups"]?.arrayValue ?? []).isEmpty { causes.append(("\(rulePath).apiGroups", "Required value")) }
            if (rule["apiVersions"]?.arrayValue ?? []).isEmpty { causes.append(("\(rulePath).apiVersions", "Required value")) }
            if (rule["resources"]?.arrayValue ?? []).isEmpty { causes.append(("\(rulePath).resources", "Required value")) }
            if let scope = rule["scope"]?.stringValue, !["*", "Cluster", "Namespaced"].contains(scope) {
                causes.append(("\(rulePath).scope", "Unsupported value: \"\(scope)\": supported values: \"*\", \"Cluster\", \"Namespaced\""))
            }
        }
        supported("failurePolicy", webhook["failurePolicy"], ["Fail", "Ignore"])
        supported("matchPolicy", webhook["matchPolicy"], ["Equivalent", "Exact"])
        if let sideEffects = webhook["sideEffects"], !sideEffects.isNull {
            supported("sideEffects", sideEffects, ["None", "NoneOnDryRun"])
        } else {
            causes.append(("\(path).sideEffects", "Required value: must specify one of None, NoneOnDryRun"))
        }
        if let timeout = webhook["timeoutSeconds"]?.intValue, timeout < 1 || timeout > 30 {
            causes.append(("\(path).timeoutSeconds", "Invalid value: \(timeout): the timeout value must be between 1 and 30 seconds"))
        }
        if mutating { supported("reinvocationPolicy", webhook["reinvocationPolicy"], ["IfNeeded", "Never"]) }
        for selector in ["namespaceSelector", "objectSelector"] {
            causes += selectorProblems(webhook[selector], path: "\(path).\(selector)")
        }
        let clientConfig = webhook["clientConfig"]?.objectValue ?? [:]
        let url = clientConfig["url"]?.stringValue
        let service = clientConfig["service"]?.objectValue
        switch (url, service) {
        case (nil, nil), (.some, .some):
            causes.append(("\(path).clientConfig", "Required value: exactly one of url or service is required"))
        case (let url?, nil):
            if !url.hasPrefix("https://") {
                causes.append(("\(path).clientConfig.url", "Invalid value: \"\(url)\": 'https' is the only allowed URL scheme"))
            }
        case (nil, let service?):
            let servicePath = "\(path).clientConfig.service"
            if (service["name"]?.stringValue ?? "").isEmpty { causes.append(("\(servicePath).name", "Required value: service name is required")) }
            if (service["namespace"]?.stringValue ?? "").isEmpty { causes.append(("\(servicePath).namespace", "Required value: service namespace is required")) }
            if let port = service["port"]?.intValue, port < 1 || port > 65535 {
                causes.append(("\(servicePath).port", "Invalid value: \(port): port is not valid: must be between 1 and 65535, inclusive"))
            }
            if let servicePathValue = service["path"]?.stringValue, !servicePathValue.isEmpty, !servicePathValue.hasPrefix("/") {
                causes.append(("\(servicePath).path", "Invalid value: \"\(servicePathValue)\": must start with a '/'"))
            }
        }
        let versions = (webhook["admissionReviewVersions"]?.arrayValue ?? []).compactMap(\.stringValue)
        if versions.isEmpty {
            causes.append(("\(path).admissionReviewVersions", "Required value: must specify one of v1, v1beta1"))
        } else if !versions.contains("v1") && !versions.contains("v1beta1") {
            causes.append(("\(path).admissionReviewVersions", "Invalid value: []string{\(versions.map { "\"\($0)\"" }.joined(separator: ", "))}: must include at least one of v1, v1beta1"))
        }
        return causes
    }

    /// Upstream's `ValidateLabelSelector` for the operators and values of `matchExpressions`.
    static func selectorProblems(_ selector: JSONValue?, path: String) -> [(field: String, message: String)] {
        var causes: [(field: String, message: String)] = []
        for (index, expression) in (selector?["matchExpressions"]?.arrayValue ?? []).enumerated() {
            let expressionPath = "\(path).matchExpressions[\(index)]"
            let op = expression["operator"]?.stringValue ?? ""
            let values = expression["values"]?.arrayValue ?? []
            switch op {
            case "In", "NotIn":
                if values.isEmpty { causes.append(("\(expressionPath).values", "Required value: must be specified when `operator` is 'In' or 'NotIn'")) }
            case "Exists", "DoesNotExist":
                if !values.isEmpty { causes.append(("\(expressionPath).values", "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'")) }
            default:
                causes.append(("\(expressionPath).operator", "Invalid value: \"\(op)\": not a valid selector operator"))
            }
        }
        return causes
    }
}
