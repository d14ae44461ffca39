import KubeModel

/// A Promise's `spec.api` with its field names spelled as the CustomResourceDefinition type
/// spells them.
///
/// Upstream decodes `spec.api` with Go's `encoding/json` into `apiextensionsv1.CustomResourceDefinition`
/// (the Promise controller's `json.Unmarshal(promise.Spec.API.Raw, &crd)`), which matches object keys
/// to struct fields case-insensitively: a printer column written `JSONPath:` (the marketplace's
/// `sql/aws` does) is `jsonPath` upstream. The same happens here, for the CRD's own fields only:
/// keys that are names chosen by the author (`properties`, `patternProperties`, `definitions`,
/// `dependencies`, labels and annotations) and values (`default`, `enum`, `example`) are left as written.
enum CRDFieldCase {
    /// The CRD object with its fields' names canonical.
    static func canonical(_ crd: JSONObject) -> JSONObject {
        rename(crd, Shape.crd)
    }

    /// What is below a field: nothing to rename, an object of known fields, a list or map of them,
    /// or a JSON schema (whose shape is recursive).
    indirect enum Shape: Sendable {
        case opaque
        case object([String: Shape])
        case list(Shape)
        case map(Shape)
        case schema
        /// `items`, `additionalProperties`, `additionalItems`, `dependencies`' values: a schema, or
        /// a bool, or a list of schemas or strings.
        case schemaOrOther

        static let printerColumn: Shape = .object(["name": .opaque, "type": .opaque, "format": .opaque, "description": .opaque,
                                                   "priority": .opaque, "jsonPath": .opaque])
        static let version: Shape = .object([
            "name": .opaque, "served": .opaque, "storage": .opaque, "deprecated": .opaque, "deprecationWarning": .opaque,
            "schema": .object(["openAPIV3Schema": .schema]),
            "subresources": .object(["status": .opaque,
                                     "scale": .object(["specReplicasPath": .opaque, "statusReplicasPath": .opaque, "labelSelectorPath": .opaque])]),
            "additionalPrinterColumns": .list(printerColumn),
            "selectableFields": .list(.object(["jsonPath": .opaque])),
        ])
        static let crd: Shape = .object([
            "apiVersion": .opaque, "kind": .opaque,
            "metadata": .object(["name": .opaque, "generateName": .opaque, "namespace": .opaque, "labels": .opaque,
                                 "annotations": .opaque, "finalizers": .opaque, "ownerReferences": .opaque]),
            "spec": .object([
                "group": .opaque, "scope": .opaque, "preserveUnknownFields": .opaque,
                "names": .object(["plural": .opaque, "singular": .opaque, "shortNames": .opaque, "kind": .opaque,
                                  "listKind": .opaque, "categories": .opaque]),
                "versions": .list(version),
                "conversion": .object([
                    "strategy": .opaque,
                    "webhook": .object([
                        "conversionReviewVersions": .opaque,
                        "clientConfig": .object(["url": .opaque, "caBundle": .opaque,
                                                 "service": .object(["namespace": .opaque, "name": .opaque, "path": .opaque, "port": .opaque])]),
                    ]),
                ]),
            ]),
            "status": .opaque,
        ])
        /// JSONSchemaProps' fields.
        static let schemaFields: [String: Shape] = {
            var fields: [String: Shape] = [:]
            for name in ["id", "$schema", "$ref", "description", "type", "format", "title", "default", "maximum", "exclusiveMaximum",
                         "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems",
                         "multipleOf", "enum", "maxProperties", "minProperties", "required", "example", "nullable",
                         "x-kubernetes-preserve-unknown-fields", "x-kubernetes-embedded-resource", "x-kubernetes-int-or-string",
                         "x-kubernetes-list-map-keys", "x-kubernetes-list-type", "x-kubernetes-map-type"] {
                fields[name] = .opaque
            }
            fields["items"] = .schemaOrOther
            fields["additionalProperties"] = .schemaOrOther
            fields["additionalItems"] = .schemaOrOther
            fields["not"] = .schema
            fields["allOf"] = .list(.schema)
            fields["oneOf"] = .list(.schema)
            fields["anyOf"] = .list(.schema)
            fields["properties"] = .map(.schema)
            fields["patternProperties"] = .map(.schema)
            fields["definitions"] = .map(.schema)
            fields["dependencies"] = .map(.schemaOrOther)
            fields["externalDocs"] = .object(["description": .opaque, "url": .opaque])
            fields["x-kubernetes-validations"] = .list(.object(["rule": .opaque, "message": .opaque, "messageExpression": .opaque,
                                                                "reason": .opaque, "fieldPath": .opaque, "optionalOldSelf": .opaque]))
            return fields
        }()
    }

    /// Each field's name by its lowercase spelling.
    private static func byLowercase(_ fields: [String: Shape]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: fields.keys.map { ($0.lowercased(), $0) })
    }

    /// Schemas are most of a CRD: their fields' lookup is built once.
    private static let schemaFieldsByLowercase = byLowercase(Shape.schemaFields)

    private static func rename(_ object: JSONObject, _ shape: Shape) -> JSONObject {
        guard case .object(let fields) = shape else { return object }
        return renameFields(object, fields)
    }

    private static func renameFields(_ object: JSONObject, _ fields: [String: Shape],
                                     lowercased: [String: String]? = nil) -> JSONObject {
        let lowercased = lowercased ?? byLowercase(fields)
        var out = JSONObject(minimumCapacity: object.count)
        for (key, value) in object {
            // An exact match wins; otherwise the field whose name matches without regard to case.
            let name = fields[key] != nil ? key : (lowercased[key.lowercased()] ?? key)
            out[name] = fields[name].map { convert(value, $0) } ?? value
        }
        return out
    }

    private static func convert(_ value: JSONValue, _ shape: Shape) -> JSONValue {
        switch (shape, value) {
        case (.opaque, _):
            return value
        case (.object, .object(let object)):
            return .object(rename(object, shape))
        case (.list(let element), .array(let items)):
            return .array(items.map { convert($0, element) })
        case (.map(let element), .object(let entries)):
            var out = JSONObject(minimumCapacity: entries.count)
            for (key, entry) in entries { out[key] = convert(entry, element) }
            return .object(out)
        case (.schema, .object(let object)):
            return .object(renameFields(object, Shape.schemaFields, lowercased: schemaFieldsByLowercase))
        case (.schemaOrOther, .object):
            return convert(value, .schema)
        case (.schemaOrOther, .array(let items)):
            return .array(items.map { $0.objectValue != nil ? convert($0, .schema) : $0 })
        default:
            return value
        }
    }
}
