/// Go's flag package takes a boolean as `--flag`, `--flag=true` or `--flag=false`; argument
/// parser takes `--flag` and `--no-flag`. Manifests written for upstream's manager pass
/// `--metrics-secure=false` or `--leader-elect=true`, so those spellings are rewritten before
/// parsing, for the manager's boolean flags only.
enum GoBoolFlags {
    static let manager: Set<String> = ["leader-elect", "metrics-secure", "zap-devel"]

    static func normalize(_ arguments: [String]) -> [String] {
        guard arguments.first == "manager" else { return arguments }
        return arguments.map { argument in
            guard argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") else { return argument }
            let name = String(argument[argument.index(argument.startIndex, offsetBy: 2)..<equals])
            guard manager.contains(name) else { return argument }
            switch argument[argument.index(after: equals)...].lowercased() {
            case "true", "t", "1": return "--\(name)"
            case "false", "f", "0": return "--no-\(name)"
            default: return argument
            }
        }
    }
}
