/// Promise YAML for the webhook tests: one API in `test.kratix.io` whose schema accepts anything,
/// with room for extra `spec` members and `metadata` lines.
public enum TestPromises {
    /// - Parameters:
    ///   - extra: lines placed under `spec` after `api` (two-space indented: `  workflows: ...`).
    ///   - metadata: lines placed under `metadata` after `name` (two-space indented).
    public static func promise(_ name: String, kind: String = "Thing", scope: String = "Namespaced", extra: String = "",
                               metadata: String = "") -> String {
        """
        apiVersion: platform.kratix.io/v1alpha1
        kind: Promise
        metadata:
          name: \(name)
        \(metadata)
        spec:
          api:
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: \(kind.lowercased())s.test.kratix.io}
            spec:
              group: test.kratix.io
              names: {kind: \(kind), plural: \(kind.lowercased())s, singular: \(kind.lowercased())}
              scope: \(scope)
              versions:
                - name: v1alpha1
                  served: true
                  storage: true
                  schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
        \(extra)
        """
    }

    /// `spec.workflows.resource.configure` with one busybox pipeline per name (a Promise's `extra`).
    public static func resourcePipelines(_ names: [String], restartPolicy: String? = nil) -> String {
        "  workflows:\n    resource:\n      configure:\n" + names.map { name in
            """
                    - apiVersion: platform.kratix.io/v1alpha1
                      kind: Pipeline
                      metadata: {name: \(name)}
                      spec: {\(restartPolicy.map { "restartPolicy: \($0), " } ?? "")containers: [{name: c, image: busybox}]}

            """
        }.joined()
    }
}
