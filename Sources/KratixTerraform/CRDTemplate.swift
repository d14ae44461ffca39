/// The CRD kratix-cli's `init` templates write (`api.yaml.tpl` and its twins in the promise and
/// helm templates), rendered as text (rule R1): the template's own layout at column 0, with the
/// marshalled `spec` schema indented into it. `api.yaml` is this and a newline; `promise.yaml`
/// carries it under `spec.api`, indented by four.
public enum CRDTemplate {
    public static func render(group: String, kind: String, plural: String, singular: String, version: String, specSchemaYAML: String) -> String {
        """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: \(plural).\(group)
        spec:
          group: \(group)
          names:
            kind: \(kind)
            plural: \(plural)
            singular: \(singular)
          scope: Namespaced
          versions:
            - name: \(version)
              schema:
                openAPIV3Schema:
                  type: object
                  properties:
                    spec:
        \(indent(14, specSchemaYAML))
              served: true
              storage: true
        """
    }

    /// sprig's `indent n`: every line prefixed with `n` spaces, including the empty one after a
    /// trailing newline, so a template line `{{ .X | indent 4 }}` leaves a whitespace-only line.
    public static func indent(_ n: Int, _ text: String) -> String {
        let pad = String(repeating: " ", count: n)
        return pad + text.replacingOccurrences(of: "\n", with: "\n" + pad)
    }
}
