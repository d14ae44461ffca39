/// Path arithmetic with Go's `path/filepath` semantics on Linux (`Clean`, `Join`), which upstream
/// Kratix uses to compose every path and object key (spec §7.1). Matching it byte for byte is what
/// keeps the on-store layout identical, so nothing here touches the file system.
public enum StorePath {
    /// Go `filepath.Clean`: the shortest equivalent path, purely lexically.
    public static func clean(_ path: String) -> String {
        if path.isEmpty { return "." }
        let rooted = path.hasPrefix("/")
        var out: [Substring] = []
        var leadingDotDots = 0
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".":
                continue
            case "..":
                if out.count > leadingDotDots {
                    out.removeLast()
                } else if !rooted {
                    out.append(part)
                    leadingDotDots += 1
                }
            default:
                out.append(part)
            }
        }
        let body = out.joined(separator: "/")
        if rooted { return "/" + body }
        return body.isEmpty ? "." : body
    }

    /// Go `filepath.Join`: the non-empty elements joined by `/` and cleaned; `""` when all are empty.
    public static func join(_ elements: String...) -> String { join(elements) }

    public static func join(_ elements: [String]) -> String {
        let parts = elements.filter { !$0.isEmpty }
        if parts.isEmpty { return "" }
        return clean(parts.joined(separator: "/"))
    }

    /// Whether a cleaned relative path climbs above its starting directory.
    static func escapes(_ cleaned: String) -> Bool {
        cleaned == ".." || cleaned.hasPrefix("../")
    }

    /// Checks a workload's file path, which comes from pipeline output and is therefore untrusted:
    /// it must be relative, must name a file, and must stay inside the directory it is written to.
    /// Returns the cleaned path.
    public static func validatedRelativeFile(_ path: String, field: String = "filepath") throws(StateStoreError) -> String {
        if path.hasPrefix("/") {
            throw StateStoreError(.unsafePath(path: path, reason: "\(field) must be relative, not absolute"))
        }
        let cleaned = clean(path)
        if escapes(cleaned) {
            throw StateStoreError(.unsafePath(path: path, reason: "\(field) escapes its directory through \"..\""))
        }
        if cleaned == "." {
            throw StateStoreError(.unsafePath(path: path, reason: "\(field) does not name a file"))
        }
        return cleaned
    }

    /// Checks a directory or delete-list path, which the controller composes (it may start with `/`
    /// when a Destination's path is `/`, and is then taken relative to the store root as Go's `Join`
    /// does), but must never climb above the store root.
    public static func validatedStorePath(_ path: String, field: String) throws(StateStoreError) -> String {
        let cleaned = clean(path)
        let relative = cleaned.hasPrefix("/") ? String(cleaned.dropFirst()) : cleaned
        if escapes(relative) {
            throw StateStoreError(.unsafePath(path: path, reason: "\(field) escapes the state store through \"..\""))
        }
        return cleaned
    }

    /// The path with leading slashes removed, as upstream trims the store's `spec.path` for Git.
    static func trimLeadingSlash(_ path: String) -> String {
        var p = Substring(path)
        while p.hasPrefix("/") { p = p.dropFirst() }
        return String(p)
    }
}
