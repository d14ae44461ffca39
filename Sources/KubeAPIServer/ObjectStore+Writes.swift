import Foundation
import KubeModel

/// Creates, updates and deletes: the API server's rules for each, applied before `commit`.
extension ObjectStore {
    /// - Parameter manager: who writes, for `managedFields` (the `fieldManager` parameter or the
    ///   client's user agent); `nil` leaves them as sent (server-side apply has set them).
    public func create(_ resource: APIResource, namespace: String?, object input: JSONObject, dryRun: Bool, manager: String? = nil) async throws(APIError) -> JSONObject {
        try await durably { () throws(APIError) in try applyCreate(resource, namespace: namespace, object: input, dryRun: dryRun, manager: manager) }
    }

    /// Replaces an object (PUT), or only its status when `subresource` is `status`.
    public func update(_ resource: APIResource, namespace: String?, name: String, object input: JSONObject, subresource: String?, dryRun: Bool,
                       manager: String? = nil) async throws(APIError) -> JSONObject {
        try await durably { () throws(APIError) in
            try applyUpdate(resource, namespace: namespace, name: name, object: input, subresource: subresource, dryRun: dryRun, manager: manager)
        }
    }

    /// Deletes an object; one with finalizers is only marked (`deletionTimestamp`) until they are gone.
    public func delete(_ resource: APIResource, namespace: String?, name: String, propagation: PropagationPolicy = .background, dryRun: Bool) async throws(APIError) -> JSONObject {
        try await durably { () throws(APIError) in
            try applyDelete(resource, namespace: namespace, name: name, propagation: propagation, dryRun: dryRun)
        }
    }

    func applyCreate(_ resource: APIResource, namespace: String?, object input: JSONObject, dryRun: Bool, manager: String? = nil) throws(APIError) -> JSONObject {
        var object = input
        var meta = object["metadata"]?.objectValue ?? [:]
        if resource.namespaced {
            guard let namespace, !namespace.isEmpty else { throw APIError.badRequest("the namespace of the object is required") }
            if let given = meta["namespace"]?.stringValue, !given.isEmpty, given != namespace {
                throw APIError.badRequest("the namespace of the provided object does not match the namespace sent on the request")
            }
            guard let ns = objects["namespaces"]?[key(nil, namespace)] else { throw APIError.notFound("namespaces", namespace) }
            if ns["metadata"]?["deletionTimestamp"] != nil {
                throw APIError(code: 403, reason: "Forbidden", message: "\(resource.plural) \"\(meta["name"]?.stringValue ?? "")\" is forbidden: unable to create new content in namespace \(namespace) because it is being terminated")
            }
            meta["namespace"] = .string(namespace)
        } else {
            meta.removeValue(forKey: "namespace")
        }
        var name = meta["name"]?.stringValue ?? ""
        if name.isEmpty, let prefix = meta["generateName"]?.stringValue, !prefix.isEmpty {
            repeat {
                name = prefix + Self.randomSuffix()
            } while objects[resource.groupResource]?[key(namespace, name)] != nil
            meta["name"] = .string(name)
        }
        guard !name.isEmpty else {
            throw APIError.invalid(kind: resource.kind, group: resource.group, name: "", causes: [("metadata.name", "Required value: name or generateName is required")])
        }
        try validateMetadata(resource, name: name, meta: meta)
        try checkKind(resource, object)
        if objects[resource.groupResource]?[key(resource.namespaced ? namespace : nil, name)] != nil {
            throw APIError.alreadyExists(resource.groupResource, name)
        }
        meta["uid"] = .string(UUID().uuidString.lowercased())
        meta["creationTimestamp"] = .string(Timestamp.format(clock()))
        if resource.tracksGeneration { meta["generation"] = 1 } else { meta.removeValue(forKey: "generation") }
        meta.removeValue(forKey: "deletionTimestamp")
        meta.removeValue(forKey: "deletionGracePeriodSeconds")
        meta.removeValue(forKey: "resourceVersion")
        Self.setTypeMeta(&object, resource)
        object["metadata"] = .object(meta)
        if resource.hasStatusSubresource && resource.schema != nil {
            // Custom resources ignore status on create; it is set through the status subresource.
            object.removeValue(forKey: "status")
        }
        if resource.isCoreNamespace {
            var labels = meta["labels"]?.objectValue ?? [:]
            labels["kubernetes.io/metadata.name"] = .string(name)
            meta["labels"] = .object(labels)
            object["metadata"] = .object(meta)
        }
        if resource.group == "apiextensions.k8s.io" && resource.plural == "customresourcedefinitions" {
            object = try CustomResourceDefinitions.prepare(object, existing: resources, clock: clock)
        }
        try BuiltinWriteRules.apply(resource, to: &object)
        object = try applySchema(resource, object, name: name)
        if let manager { recordManagedFields(&object, over: nil, by: manager, of: resource) }
        // What the registries and admission add after the field manager has recorded the write.
        if resource.isCoreNamespace {
            object["spec"] = ["finalizers": ["kubernetes"]]
            object["status"] = ["phase": "Active"]
        }
        if resource.group == "batch", resource.plural == "jobs" { BuiltinWriteRules.jobSelector(&object, name: name) }
        if resource.group.isEmpty, resource.plural == "pods", let namespace { try admitPod(&object, namespace: namespace, name: name) }
        if resource.group.isEmpty, resource.plural == "services" { try allocateClusterIP(for: &object, name: name) }
        if dryRun { return object }
        return try finishCreate(resource, namespace: namespace, name: name, object: object, recheck: false)
    }

    /// Stores an object ``applyCreate`` prepared, and what follows from it (a namespace's defaults,
    /// a Deployment's ReplicaSet, a CRD's resource). With `recheck`, what can have changed while
    /// admission webhooks were called (the namespace, the name taken) is checked again.
    func finishCreate(_ resource: APIResource, namespace: String?, name: String, object: JSONObject, recheck: Bool = true) throws(APIError) -> JSONObject {
        if recheck, resource.namespaced, let namespace {
            guard let ns = objects["namespaces"]?[key(nil, namespace)] else { throw APIError.notFound("namespaces", namespace) }
            if ns["metadata"]?["deletionTimestamp"] != nil {
                throw APIError(code: 403, reason: "Forbidden", message: "\(resource.plural) \"\(name)\" is forbidden: unable to create new content in namespace \(namespace) because it is being terminated")
            }
        }
        if recheck, objects[resource.groupResource]?[key(resource.namespaced ? namespace : nil, name)] != nil {
            throw APIError.alreadyExists(resource.groupResource, name)
        }
        let stored = try commit(resource.groupResource, key: key(resource.namespaced ? namespace : nil, name), object: object, previous: nil)
        if resource.isCoreNamespace { try ensureNamespaceDefaults(name) }
        if resource.groupResource == Self.clusterRolesResource { try aggregateClusterRoles() }
        try recordWorkloadEvents(resource, old: nil, new: stored)
        if resource.group == "apps", resource.plural == "deployments" { try syncDeployment(stored) }
        if let served = CustomResourceDefinitions.servedResource(stored) {
            register(served)
            // The apiextensions controllers accept the names and establish the CRD right after.
            var established = try CustomResourceDefinitions.establish(stored, clock: clock)
            recordManagedFields(&established, over: stored, by: "kube-apiserver", of: resource, subresource: "status")
            try commit(resource.groupResource, key: key(nil, name), object: established, previous: stored)
        }
        return stored
    }

    func applyUpdate(_ resource: APIResource, namespace: String?, name: String, object input: JSONObject, subresource: String?, dryRun: Bool,
                     manager: String? = nil) throws(APIError) -> JSONObject {
        let (existing, object) = try prepareUpdate(resource, namespace: namespace, name: name, object: input, subresource: subresource, manager: manager)
        var comparable = object
        comparable["metadata"]?["resourceVersion"] = existing["metadata"]?["resourceVersion"]
        if JSONValue.object(comparable) == JSONValue.object(existing) {
            return existing  // nothing changed: no new resourceVersion, as the real server does
        }
        if dryRun { return object }
        return try finishUpdate(resource, namespace: namespace, name: name, existing: existing, object: object, subresource: subresource)
    }

    /// The stored object an update replaces and the object it would store: the update's rules,
    /// with nothing stored.
    func prepareUpdate(_ resource: APIResource, namespace: String?, name: String, object input: JSONObject, subresource: String?,
                       manager: String? = nil) throws(APIError) -> (existing: JSONObject, object: JSONObject) {
        let storageKey = key(resource.namespaced ? namespace : nil, name)
        guard let existing = objects[resource.groupResource]?[storageKey] else {
            throw APIError.notFound(resource.groupResource, name)
        }
        let existingMeta = existing["metadata"]?.objectValue ?? [:]
        var incomingMeta = input["metadata"]?.objectValue ?? [:]
        if let given = incomingMeta["name"]?.stringValue, given != name {
            throw APIError.badRequest("the name of the object (\(given)) does not match the name on the URL (\(name))")
        }
        if let rv = incomingMeta["resourceVersion"]?.stringValue, !rv.isEmpty, rv != existingMeta["resourceVersion"]?.stringValue {
            throw APIError.conflict(resource.groupResource, name)
        }
        var object: JSONObject
        if subresource == "status" {
            // Only status changes through the status subresource.
            object = existing
            object["status"] = input["status"]
        } else {
            try checkKind(resource, input)
            object = input
            if resource.hasStatusSubresource {
                object["status"] = existing["status"]
            }
            // Fields the server owns.
            for field in ["uid", "creationTimestamp", "generation", "deletionTimestamp", "deletionGracePeriodSeconds", "namespace"] {
                incomingMeta[field] = existingMeta[field]
            }
            incomingMeta["name"] = .string(name)
            let oldFinalizers = Set(existingMeta["finalizers"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            let newFinalizers = incomingMeta["finalizers"]?.arrayValue?.compactMap(\.stringValue) ?? []
            if existingMeta["deletionTimestamp"] != nil, newFinalizers.contains(where: { !oldFinalizers.contains($0) }) {
                throw APIError.invalid(kind: resource.kind, group: resource.group, name: name, causes: [("metadata.finalizers", "Forbidden: no new finalizers can be added if the object is being deleted")])
            }
            try validateMetadata(resource, name: name, meta: incomingMeta)
            object["metadata"] = .object(incomingMeta)
            Self.setTypeMeta(&object, resource)
            if resource.tracksGeneration, Self.specChanged(old: existing, new: object) {
                incomingMeta["generation"] = .int((existingMeta["generation"]?.intValue ?? 1) + 1)
                object["metadata"] = .object(incomingMeta)
            }
            if resource.group == "apiextensions.k8s.io" && resource.plural == "customresourcedefinitions" {
                object = try CustomResourceDefinitions.establish(CustomResourceDefinitions.prepare(object, existing: resources, clock: clock), clock: clock)
            }
            if resource.group.isEmpty, resource.plural == "services", object["spec"]?["clusterIP"] == nil,
               let existingSpec = existing["spec"]?.objectValue {
                // The cluster IP stays when an update leaves it out (it cannot change).
                for field in ["clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"] { object["spec"]?[field] = existingSpec[field] }
            }
            try BuiltinWriteRules.apply(resource, to: &object)
            if resource.group == "batch", resource.plural == "jobs" { BuiltinWriteRules.jobSelector(&object, name: name) }
        }
        object = try applySchema(resource, object, name: name)
        if let manager { recordManagedFields(&object, over: existing, by: manager, of: resource, subresource: subresource) }
        return (existing, object)
    }

    /// Stores an object ``prepareUpdate`` made over `existing`, and what follows from it.
    func finishUpdate(_ resource: APIResource, namespace: String?, name: String, existing: JSONObject, object: JSONObject, subresource: String?) throws(APIError) -> JSONObject {
        let storageKey = key(resource.namespaced ? namespace : nil, name)
        let meta = object["metadata"]?.objectValue ?? [:]
        // An object whose deletion waited for finalizers goes once the last one is removed.
        if meta["deletionTimestamp"] != nil, (meta["finalizers"]?.arrayValue ?? []).isEmpty {
            let removed = try commit(resource.groupResource, key: storageKey, object: nil, previous: object)
            try afterRemoval(resource, removed)
            return removed
        }
        let stored = try commit(resource.groupResource, key: storageKey, object: object, previous: existing)
        if resource.groupResource == Self.clusterRolesResource { try aggregateClusterRoles() }
        if let served = CustomResourceDefinitions.servedResource(stored) { register(served) }
        try recordWorkloadEvents(resource, old: existing, new: stored)
        if resource.group == "apps", resource.plural == "deployments", subresource != "status" { try syncDeployment(stored) }
        return stored
    }

    /// How deleting an owner treats the objects whose ownerReferences name it.
    public enum PropagationPolicy: String, Sendable {
        /// The owner goes now; its dependents are deleted right after.
        case background = "Background"
        /// The owner stays (finalizer `foregroundDeletion`) until its dependents are gone.
        case foreground = "Foreground"
        /// The owner goes; its dependents stay, without the reference.
        case orphan = "Orphan"
    }

    func applyDelete(_ resource: APIResource, namespace: String?, name: String, propagation: PropagationPolicy = .background, dryRun: Bool) throws(APIError) -> JSONObject {
        let storageKey = key(resource.namespaced ? namespace : nil, name)
        guard var object = objects[resource.groupResource]?[storageKey] else {
            throw APIError.notFound(resource.groupResource, name)
        }
        var meta = object["metadata"]?.objectValue ?? [:]
        if dryRun { return object }
        let uid = meta["uid"]?.stringValue ?? ""
        switch propagation {
        case .orphan:
            try orphanDependents(of: uid)
        case .foreground where !dependents(of: uid).isEmpty && meta["deletionTimestamp"] == nil:
            let previous = object
            meta["deletionTimestamp"] = .string(Timestamp.format(clock()))
            meta["deletionGracePeriodSeconds"] = 0
            meta["finalizers"] = .array((meta["finalizers"]?.arrayValue ?? []) + ["foregroundDeletion"])
            object["metadata"] = .object(meta)
            object = try commit(resource.groupResource, key: storageKey, object: object, previous: previous)
            try collectGarbage(ownerUID: uid, deleteOnly: true)
            return objects[resource.groupResource]?[storageKey] ?? object
        default:
            break
        }
        let finalizers = meta["finalizers"]?.arrayValue ?? []
        if !finalizers.isEmpty || resource.isCoreNamespace {
            if meta["deletionTimestamp"] == nil {
                let previous = object
                meta["deletionTimestamp"] = .string(Timestamp.format(clock()))
                meta["deletionGracePeriodSeconds"] = 0
                object["metadata"] = .object(meta)
                object = try commit(resource.groupResource, key: storageKey, object: object, previous: previous)
            }
            if resource.isCoreNamespace {
                try finishNamespaceDeletion(name)
                return objects["namespaces"]?[storageKey] ?? object
            }
            return object
        }
        let removed = try commit(resource.groupResource, key: storageKey, object: nil, previous: object)
        try afterRemoval(resource, removed)
        return removed
    }

    /// Prunes, defaults and validates a custom resource against its CRD schema.
    func applySchema(_ resource: APIResource, _ object: JSONObject, name: String) throws(APIError) -> JSONObject {
        guard let schema = resource.schema else { return object }
        let (value, problems) = SchemaValidator(schema: schema).apply(to: .object(object))
        if !problems.isEmpty {
            throw APIError.invalid(kind: resource.kind, group: resource.group, name: name, causes: problems.map { ($0.field, $0.message) })
        }
        return value.objectValue ?? object
    }

    /// One shared copy of a managedFields entry and of its `fieldsV1`: the objects of a kind
    /// written by the same client carry the same ones (entries of the same second entirely), so
    /// 10,000 requests hold a handful of trees instead of 10,000.
    func internManagedFieldsEntry(_ entry: JSONValue) -> JSONValue {
        guard case .object(var fields) = entry, let fieldsV1 = fields["fieldsV1"] else { return entry }
        if internedManagedFields.count > 4_096 { internedManagedFields.removeAll(keepingCapacity: true) }
        let treeKey = fieldsV1.serialized()
        if let shared = internedManagedFields[treeKey] { fields["fieldsV1"] = shared } else { internedManagedFields[treeKey] = fieldsV1 }
        let entryKey = ["manager", "operation", "apiVersion", "time", "subresource"].map { fields[$0]?.stringValue ?? "" }.joined(separator: "\u{0}")
            + "\u{0}" + treeKey
        if let shared = internedManagedFields[entryKey] { return shared }
        let interned = JSONValue.object(fields)
        internedManagedFields[entryKey] = interned
        return interned
    }

    /// Records `manager`'s write of `object` over `old` (nil on create) in its managedFields, as
    /// the real field manager does; unchanged entries stay as they were, new ones are shared.
    func recordManagedFields(_ object: inout JSONObject, over old: JSONObject?, by manager: String, of resource: APIResource, subresource: String? = nil) {
        let entries = ManagedFields.recordUpdate(
            old: old, new: object, manager: manager, apiVersion: resource.apiVersion, type: resource.fieldSchemaType, crdSchema: resource.schema,
            subresource: subresource, now: Timestamp.format(clock()))
        let before = old?["metadata"]?["managedFields"]?.arrayValue ?? []
        object["metadata"]?["managedFields"] = entries.isEmpty ? nil
            : .array(entries.map { entry in before.first { $0 == entry } ?? internManagedFieldsEntry(entry) })
    }

    func checkKind(_ resource: APIResource, _ object: JSONObject) throws(APIError) {
        if let kind = object["kind"]?.stringValue, !kind.isEmpty, kind != resource.kind {
            throw APIError.badRequest("the kind \(kind) does not match the resource \(resource.plural) (kind \(resource.kind))")
        }
        if let apiVersion = object["apiVersion"]?.stringValue, !apiVersion.isEmpty, apiVersion != resource.apiVersion {
            throw APIError.badRequest("the apiVersion \(apiVersion) does not match the resource (\(resource.apiVersion))")
        }
    }

    func validateMetadata(_ resource: APIResource, name: String, meta: JSONObject) throws(APIError) {
        var causes: [(String, String)] = []
        let nameIsValid: Bool
        switch (resource.group, resource.plural) {
        case ("", "namespaces"): nameIsValid = LabelValidation.isDNSLabel(name)
        case ("rbac.authorization.k8s.io", "roles"), ("rbac.authorization.k8s.io", "rolebindings"),
             ("rbac.authorization.k8s.io", "clusterroles"), ("rbac.authorization.k8s.io", "clusterrolebindings"):
            // RBAC names are path segments: anything but "." "..", "/" and "%".
            nameIsValid = name != "." && name != ".." && !name.contains("/") && !name.contains("%")
        default: nameIsValid = LabelValidation.isDNSSubdomain(name)
        }
        if !nameIsValid {
            let rule = resource.isCoreNamespace
                ? "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
                : "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
            causes.append(("metadata.name", "Invalid value: \"\(name)\": \(rule)"))
        }
        if case .object(let labels)? = meta["labels"] {
            for (k, v) in labels {
                if let problem = LabelValidation.keyProblem(k) { causes.append(("metadata.labels", "Invalid value: \"\(k)\": \(problem)")) }
                guard let value = v.stringValue else {
                    causes.append(("metadata.labels", "Invalid value: label values must be strings"))
                    continue
                }
                if let problem = LabelValidation.valueProblem(value) { causes.append(("metadata.labels", "Invalid value: \"\(value)\": \(problem)")) }
            }
        }
        if !causes.isEmpty { throw APIError.invalid(kind: resource.kind, group: resource.group, name: name, causes: causes) }
    }

    /// Generation moves when anything but metadata and status changes.
    /// Sets `apiVersion` and `kind`, keeping the strings the client sent when they are already
    /// right: each would otherwise be a new heap string kept with every stored object.
    static func setTypeMeta(_ object: inout JSONObject, _ resource: APIResource) {
        let apiVersion = resource.apiVersion
        if object["apiVersion"]?.stringValue != apiVersion { object["apiVersion"] = .string(apiVersion) }
        if object["kind"]?.stringValue != resource.kind { object["kind"] = .string(resource.kind) }
    }

    static func specChanged(old: JSONObject, new: JSONObject) -> Bool {
        var a = old
        var b = new
        for k in ["metadata", "status", "apiVersion", "kind"] {
            a.removeValue(forKey: k)
            b.removeValue(forKey: k)
        }
        return JSONValue.object(a) != JSONValue.object(b)
    }

    static let suffixAlphabet = Array("bcdfghjklmnpqrstvwxz2456789")
    static func randomSuffix() -> String {
        String((0..<5).map { _ in suffixAlphabet.randomElement()! })
    }
}
