/// Field ownership for server-side apply, in the `FieldsV1` format of `metadata.managedFields`.
///
/// A field is a path of tokens: `f:name` for an object member, `k:{"name":"main"}` for an element of
/// an associative list (keyed as ``MergeSchema`` says), `v:<json>` for an element of a set, and
/// `.` for a node owned itself besides its members. Atomic lists and structs are owned whole.
/// Which fields an object sets: ``fieldSet(of:type:crdSchema:status:)``.
public enum ManagedFields {
    public typealias Path = [String]

    /// The `fieldsV1` object for a set of paths, members in order (as the real server writes them).
    public static func encode(_ paths: Set<Path>) -> JSONValue {
        func build(_ paths: [ArraySlice<String>]) -> JSONValue {
            var groups: [String: [ArraySlice<String>]] = [:]
            for path in paths {
                guard let first = path.first else { continue }
                groups[first, default: []].append(path.dropFirst())
            }
            var object = JSONObject(minimumCapacity: groups.count)
            for key in groups.keys.sorted() { object[key] = build(groups[key] ?? []) }
            return .object(object)
        }
        return build(paths.map { $0[...] })
    }

    /// The paths a `fieldsV1` object names.
    public static func decode(_ fields: JSONValue) -> Set<Path> {
        var out: Set<Path> = []
        func walk(_ value: JSONValue, _ prefix: Path) {
            guard case .object(let o) = value, !o.isEmpty else {
                if !prefix.isEmpty { out.insert(prefix) }
                return
            }
            for (key, child) in o { walk(child, prefix + [key]) }
        }
        walk(fields, [])
        return out
    }

    /// The value at a path, or `nil` if it is not set.
    public static func value(at path: Path, in object: JSONValue) -> JSONValue? {
        var current: JSONValue = object
        for token in path {
            if token == "." { return current }
            if token.hasPrefix("f:") {
                guard let next = current[String(token.dropFirst(2))] else { return nil }
                current = next
            } else if token.hasPrefix("k:") {
                guard case .array(let a) = current, let selector = try? JSONParser.parse(String(token.dropFirst(2))),
                    let match = a.first(where: { element in selector.objectValue?.allSatisfy { element[$0.key] == $0.value } ?? false })
                else { return nil }
                current = match
            } else if token.hasPrefix("v:") {
                guard case .array(let a) = current, let element = try? JSONParser.parse(String(token.dropFirst(2))), a.contains(element) else { return nil }
                current = element
            } else {
                return nil
            }
        }
        return current
    }

    /// The object without the field at `path`.
    public static func removing(_ path: Path, from object: JSONValue) -> JSONValue {
        guard let first = path.first else { return object }
        let rest = Array(path.dropFirst())
        switch object {
        case .object(var o) where first.hasPrefix("f:"):
            let key = String(first.dropFirst(2))
            if rest.isEmpty || rest == ["."] {
                o.removeValue(forKey: key)
            } else if let child = o[key] {
                o[key] = removing(rest, from: child)
            }
            return .object(o)
        case .array(var a) where first.hasPrefix("k:") || first.hasPrefix("v:"):
            guard let selector = try? JSONParser.parse(String(first.dropFirst(2))) else { return object }
            let matches: (JSONValue) -> Bool = first.hasPrefix("v:")
                ? { $0 == selector }
                : { element in selector.objectValue?.allSatisfy { element[$0.key] == $0.value } ?? false }
            guard let index = a.firstIndex(where: matches) else { return object }
            if rest.isEmpty || rest == ["."] {
                a.remove(at: index)
            } else {
                a[index] = removing(rest, from: a[index])
            }
            return .array(a)
        default:
            return object
        }
    }

    /// A path as people read it in conflict messages: `.spec.containers[name="main"].image`.
    public static func describe(_ path: Path) -> String {
        path.map { token -> String in
            if token.hasPrefix("f:") { return "." + token.dropFirst(2) }
            if token.hasPrefix("k:") || token.hasPrefix("v:") { return "[" + token.dropFirst(2) + "]" }
            return ""
        }.joined()
    }
}
