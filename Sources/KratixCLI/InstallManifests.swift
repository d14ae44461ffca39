import KratixAPI
import KubeModel

/// The one-file install (`kratix manifests install`, upstream's release `kratix.yaml`): the CRDs
/// from ``KratixCRDs`` and the other files of `manifests/` (``files``, generated from them), as
/// `kubectl kustomize manifests/` renders them, in apply order, with the image and namespace given.
enum InstallManifests {
    static let defaultImage = "ghcr.io/kratix-swift/kratix:0.1.0"
    /// kustomization.yaml's `labels`: on every object and pod template, not on selectors.
    static let partOf = ("app.kubernetes.io/part-of", "kratix")

    /// Kinds in the order they can be applied: what others refer to first (kustomize's order).
    static let kindOrder = [
        "Namespace", "CustomResourceDefinition", "ServiceAccount", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding",
        "ConfigMap", "Secret", "Service", "Deployment", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
    ]

    static func objects(image: String = defaultImage, namespace: String = KratixGroup.systemNamespace) throws -> [JSONValue] {
        var objects = KratixCRDs.all.map(\.json)
        for file in files {
            objects += try YAMLReader.documents(in: file.yaml, source: "manifests/\(file.path)").map(\.value).filter { !$0.isNull }
        }
        objects = objects.map { labelled($0) }.map { retargeted($0, image: image, namespace: namespace) }
        return objects.enumerated().sorted { a, b in
            let ka = kindOrder.firstIndex(of: a.element["kind"]?.stringValue ?? "") ?? kindOrder.count
            let kb = kindOrder.firstIndex(of: b.element["kind"]?.stringValue ?? "") ?? kindOrder.count
            return ka != kb ? ka < kb : a.offset < b.offset
        }.map(\.element)
    }

    /// The install as one YAML stream.
    static func yaml(image: String = defaultImage, namespace: String = KratixGroup.systemNamespace) throws -> String {
        try objects(image: image, namespace: namespace).map { "---\n" + YAMLWriter(sortedKeys: true).write($0) }.joined()
    }

    private static func labelled(_ object: JSONValue) -> JSONValue {
        var object = object.objectValue ?? [:]
        object["metadata"] = withLabel(object["metadata"])
        if object["kind"]?.stringValue == "Deployment", var spec = object["spec"]?.objectValue, var template = spec["template"]?.objectValue {
            template["metadata"] = withLabel(template["metadata"])
            spec["template"] = .object(template)
            object["spec"] = .object(spec)
        }
        return .object(object)
    }

    private static func withLabel(_ metadata: JSONValue?) -> JSONValue {
        var metadata = metadata?.objectValue ?? [:]
        var labels = metadata["labels"]?.objectValue ?? [:]
        labels[partOf.0] = .string(partOf.1)
        metadata["labels"] = .object(labels)
        return .object(metadata)
    }

    /// The image in the Deployment and the adapter ConfigMap; the namespace wherever the files name
    /// `kratix-platform-system` as the install's own namespace.
    private static func retargeted(_ object: JSONValue, image: String, namespace: String) -> JSONValue {
        var object = object.objectValue ?? [:]
        let kind = object["kind"]?.stringValue ?? ""
        if namespace != KratixGroup.systemNamespace {
            var metadata = object["metadata"]?.objectValue ?? [:]
            if metadata["namespace"]?.stringValue == KratixGroup.systemNamespace { metadata["namespace"] = .string(namespace) }
            if kind == "Namespace", metadata["name"]?.stringValue == KratixGroup.systemNamespace { metadata["name"] = .string(namespace) }
            object["metadata"] = .object(metadata)
            if var subjects = object["subjects"]?.arrayValue {
                for i in subjects.indices where subjects[i]["namespace"]?.stringValue == KratixGroup.systemNamespace {
                    var subject = subjects[i].objectValue ?? [:]
                    subject["namespace"] = .string(namespace)
                    subjects[i] = .object(subject)
                }
                object["subjects"] = .array(subjects)
            }
            if var webhooks = object["webhooks"]?.arrayValue {
                for i in webhooks.indices {
                    guard var webhook = webhooks[i].objectValue, var clientConfig = webhook["clientConfig"]?.objectValue,
                          var service = clientConfig["service"]?.objectValue else { continue }
                    service["namespace"] = .string(namespace)
                    clientConfig["service"] = .object(service)
                    webhook["clientConfig"] = .object(clientConfig)
                    webhooks[i] = .object(webhook)
                }
                object["webhooks"] = .array(webhooks)
            }
        }
        if kind == "ConfigMap", var data = object["data"]?.objectValue, data["PIPELINE_ADAPTER_IMG"] != nil {
            data["PIPELINE_ADAPTER_IMG"] = .string(image)
            object["data"] = .object(data)
        }
        if kind == "Deployment", var spec = object["spec"]?.objectValue, var template = spec["template"]?.objectValue,
           var podSpec = template["spec"]?.objectValue, var containers = podSpec["containers"]?.arrayValue {
            for i in containers.indices {
                var container = containers[i].objectValue ?? [:]
                container["image"] = .string(image)
                if namespace != KratixGroup.systemNamespace {
                    // The manager finds its own namespace (leader election, webhook certificate) here.
                    var env = container["env"]?.arrayValue ?? []
                    env.removeAll { $0["name"]?.stringValue == "POD_NAMESPACE" }
                    env.append(["name": "POD_NAMESPACE", "value": .string(namespace)])
                    container["env"] = .array(env)
                }
                containers[i] = .object(container)
            }
            podSpec["containers"] = .array(containers)
            template["spec"] = .object(podSpec)
            spec["template"] = .object(template)
            object["spec"] = .object(spec)
        }
        return .object(object)
    }
}
