import KratixTerraform
import KubeModel

/// The bytes kratix-cli writes, for the files its golden tests compare byte for byte.
///
/// Upstream marshals with `sigs.k8s.io/yaml` (Go JSON, then go-yaml v2): keys sorted, sequences
/// level with their parent key, quotes only where needed, long scalars folded at column 80, and a
/// multi-line string (the README of R3) as a literal block indented two spaces. ``YAMLWriter``
/// writes that layout (`YAMLWriter.goYAML`); this is the one entry point the authoring commands use. Its templates (R1) use sprig's `indent`, also here.
public enum GoYAML {
    static let writer = YAMLWriter.goYAML

    /// `yaml.Marshal(value)` (R2): one document ending in a newline; `null` for `.null`.
    public static func marshal(_ value: JSONValue) -> String {
        writer.write(value)
    }

    /// `yaml.Marshal(string)` (R3): how kratix-cli writes a README it templated, a `|` block.
    public static func marshal(string: String) -> String {
        writer.write(.string(string))
    }

    /// sprig's `indent n`: every line prefixed with `n` spaces, including the empty one after a
    /// trailing newline, so a template line `{{ .X | indent 4 }}` leaves a whitespace-only line (R1).
    public static func indent(_ n: Int, _ text: String) -> String {
        CRDTemplate.indent(n, text)
    }

    /// `yaml.Unmarshal` of one file: its first non-empty document, or `nil` for an empty file.
    public static func unmarshal(_ text: String, file: String) throws(AuthoringError) -> JSONValue? {
        try documents(text, file: file).first
    }

    /// Every non-empty document of a multi-document file, in order.
    public static func documents(_ text: String, file: String) throws(AuthoringError) -> [JSONValue] {
        do {
            return try YAMLReader.documents(in: text, source: file).map(\.value)
        } catch {
            throw AuthoringError("failed to unmarshal file \(file): \(error)")
        }
    }
}
