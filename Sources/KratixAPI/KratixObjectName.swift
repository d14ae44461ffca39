import Foundation

/// Upstream's object-name helpers (§4.2).
///
/// Kratix finds its Jobs and Works by label, not by name, so exact names only matter for the
/// deterministic ones (user-permission RBAC), which must match to be recognised and replaced.
public enum KratixObjectName {
    /// `processName`: names longer than 57 characters are cut to 56, then trailing characters that
    /// are not ASCII letters or digits are dropped, so a suffix can always be appended.
    public static func truncated(_ name: String) -> String {
        var scalars = Array(name.unicodeScalars)
        if scalars.count > 57 { scalars = Array(scalars.prefix(56)) }
        while let last = scalars.last, !isAlphanumeric(last) { scalars.removeLast() }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars)
        return String(out)
    }

    /// A fresh name: `truncated(name)-` plus the first five characters of a random UUID.
    public static func random(_ name: String) -> String {
        random(name, suffix: randomSuffix())
    }

    /// The random-name shape with a given suffix, for callers that need reproducible names.
    public static func random(_ name: String, suffix: String) -> String {
        truncated(name) + "-" + suffix
    }

    /// `truncated(name)-` plus the first five hex characters of the MD5 of `name`, or of `inputs`
    /// joined with `-` when there are any.
    public static func deterministic(_ name: String, inputs: [String] = []) -> String {
        let source = inputs.isEmpty ? name : inputs.joined(separator: "-")
        return truncated(name) + "-" + String(KratixHash.md5Hex(source).prefix(5))
    }

    /// Five lower-case characters of a random UUID, as Go's `uuid.New().String()[0:5]`.
    public static func randomSuffix() -> String {
        String(UUID().uuidString.lowercased().prefix(5))
    }

    private static func isAlphanumeric(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        default: return false
        }
    }
}
