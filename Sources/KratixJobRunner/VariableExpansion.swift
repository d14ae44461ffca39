/// Kubernetes' `$(VAR)` expansion (k8s.io/kubernetes/third_party/forked/golang/expansion), used for
/// container `command`, `args`, env values and `subPathExpr`.
///
/// `$(NAME)` becomes the value when `NAME` is defined and stays as written otherwise; `$$` is a
/// literal `$`; any other `$` is left alone. There is no shell involved, so nothing else is special.
enum VariableExpansion {
    static func expand(_ input: String, _ lookup: (String) -> String?) -> String {
        let chars = Array(input)
        var output = ""
        var checkpoint = 0
        var i = 0
        while i < chars.count {
            if chars[i] == "$", i + 1 < chars.count {
                output += String(chars[checkpoint..<i])
                let (read, isVariable, advance) = readVariableName(chars, from: i + 1)
                if isVariable {
                    output += lookup(read) ?? "$(\(read))"
                } else {
                    output += read
                }
                i += advance
                checkpoint = i + 1
            }
            i += 1
        }
        if checkpoint < chars.count { output += String(chars[checkpoint...]) }
        return output
    }

    /// What follows a `$`: the text to emit, whether it is a variable name, and how far it reaches.
    private static func readVariableName(_ chars: [Character], from start: Int) -> (String, Bool, Int) {
        switch chars[start] {
        case "$":
            return ("$", false, 1)
        case "(":
            var j = start + 1
            while j < chars.count {
                if chars[j] == ")" { return (String(chars[(start + 1)..<j]), true, j - start + 1) }
                j += 1
            }
            return ("$(", false, 1)
        default:
            return ("$" + String(chars[start]), false, 1)
        }
    }
}
