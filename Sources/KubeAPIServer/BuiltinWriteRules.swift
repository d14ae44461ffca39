import Foundation
import KubeModel

/// What the API server does to built-in kinds on every write besides their schemas (which the
/// embedded server does not carry): defaults and validation of Pods and pod templates (Jobs,
/// Deployments), Services and Secrets, as the real registries do. A Secret's `stringData` is folded into `data` (its keys win)
/// and dropped, `type` defaults to `Opaque`, and `data` must be base64, as the real server's
/// conversion and defaulting do. Clients then read what they would read from a cluster:
/// `kubectl get secret x -o jsonpath={.data.url}` works, and `kubectl get secrets` counts the data.
enum BuiltinWriteRules {
    static func apply(_ resource: APIResource, to object: inout JSONObject) throws(APIError) {
        let name = object["metadata"]?["name"]?.stringValue ?? ""
        switch (resource.group, resource.plural) {
        case ("", "secrets"): try secret(&object)
        case ("", "pods"): try pod(&object, name: name)
        case ("", "services"): try service(&object, name: name)
        case ("batch", "jobs"): try job(&object, name: name)
        case ("apps", "deployments"): try deployment(&object, name: name)
        case ("admissionregistration.k8s.io", "validatingwebhookconfigurations"):
            try webhookConfiguration(&object, kind: resource.kind, mutating: false, name: name)
        case ("admissionregistration.k8s.io", "mutatingwebhookconfigurations"):
            try webhookConfiguration(&object, kind: resource.kind, mutating: true, name: name)
        default: break
        }
    }

    static func secret(_ object: inout JSONObject) throws(APIError) {
        var data = object["data"]?.objectValue ?? [:]
        if let given = object["data"], !given.isNull, given.objectValue == nil {
            throw cannotHandle("data: expected an object, found \(given.typeName)")
        }
        for (key, value) in data {
            guard let text = value.stringValue else { throw cannotHandle("data.\(key): expected a string, found \(value.typeName)") }
            if let offset = Base64Check.firstError(in: text) { throw cannotHandle("illegal base64 data at input byte \(offset)") }
        }
        if let stringData = object["stringData"], !stringData.isNull {
            guard let entries = stringData.objectValue else { throw cannotHandle("stringData: expected an object, found \(stringData.typeName)") }
            for (key, value) in entries {
                guard let text = value.stringValue else { throw cannotHandle("stringData.\(key): expected a string, found \(value.typeName)") }
                data[key] = .string(Data(text.utf8).base64EncodedString())
            }
        }
        object.removeValue(forKey: "stringData")
        if !data.isEmpty || object["data"] != nil { object["data"] = .object(data) }
        if (object["type"]?.stringValue ?? "").isEmpty { object["type"] = "Opaque" }
    }

    private static func cannotHandle(_ detail: String) -> APIError {
        APIError.badRequest("Secret in version \"v1\" cannot be handled as a Secret: \(detail)")
    }
}
