extension FieldSchema {
    /// The fields of `value` its built-in type does not declare, named as the real server's strict
    /// decoding names them (`spec.foo`, `spec.containers[0].foo`), in document order. This is what
    /// `fieldValidation=Strict` refuses and `Warn` warns about for built-in kinds, as a CRD's schema
    /// decides it for custom resources. Values of scalar or free-form types (`raw`) are not looked into.
    public static func unknownFields(in value: JSONValue, type: String) -> [String] {
        var unknown: [String] = []
        collectUnknownFields(value, type: type, path: "", into: &unknown)
        return unknown
    }

    private static func collectUnknownFields(_ value: JSONValue, type: String, path: String, into unknown: inout [String]) {
        guard let info = types[type], let object = value.objectValue else { return }
        for (key, child) in object {
            let childPath = path.isEmpty ? key : "\(path).\(key)"
            guard let field = info.fields[key] else {
                unknown.append(childPath)
                continue
            }
            switch field.shape {
            case .list:
                for (index, element) in (child.arrayValue ?? []).enumerated() {
                    collectUnknownFields(element, type: field.type, path: "\(childPath)[\(index)]", into: &unknown)
                }
            case .map:
                for (mapKey, element) in child.objectValue ?? [:] {
                    collectUnknownFields(element, type: field.type, path: "\(childPath)[\(mapKey)]", into: &unknown)
                }
            case .value, .pointer:
                collectUnknownFields(child, type: field.type, path: childPath, into: &unknown)
            }
        }
    }
}
