import KubeModel

/// Reads the variables and outputs of a module from its `variables.tf` and `outputs.tf`.
///
/// Only those two files are read, like upstream; variables declared elsewhere are invisible.
public enum TerraformModuleReader {
    /// The variables of a `variables.tf`, in file order.
    ///
    /// `notes` collects what upstream prints to stderr and moves past: defaults that are not
    /// constants (they reference variables or call functions) and so count as absent.
    public static func variables(in file: HCLFile, notes: inout [String]) throws(HCLError) -> [TerraformVariable] {
        var variables: [TerraformVariable] = []
        var seen: Set<String> = []
        for block in file.body.blocks(ofType: "variable") {
            guard block.labels.count == 1, let name = block.labels.first else {
                throw file.error("a variable block needs exactly one label, the variable name; found \(block.labels.count)", at: block.position)
            }
            guard seen.insert(name).inserted else {
                throw file.error("duplicate variable \"\(name)\"", at: block.position)
            }
            var variable = TerraformVariable(name: name, position: block.position)
            if let type = block.body.attribute("type") {
                variable.type = try TerraformType.decode(type.expression, in: file)
                variable.typeText = TerraformType.upstreamText(of: type.expression, in: file)
            }
            if let description = block.body.attribute("description") {
                variable.description = descriptionText(description.expression, in: file)
            }
            if let defaultAttribute = block.body.attribute("default") {
                do {
                    let value = try HCLEvaluator.evaluate(defaultAttribute.expression)
                    variable.defaultValue = value.isNull ? JSONValue?.none : value
                } catch {
                    notes.append(
                        "\(file.name):\(error.range.start.line):\(error.range.start.column): default value for variable \(name) is not a constant (\(error.message)), treating it as unset")
                }
            }
            variables.append(variable)
        }
        return variables
    }

    /// Convenience for reading a file's text.
    public static func variables(source: String, file: String, notes: inout [String]) throws(HCLError) -> [TerraformVariable] {
        try variables(in: HCLFile(source: source, name: file), notes: &notes)
    }

    /// The output names of an `outputs.tf`, in file order.
    public static func outputNames(in file: HCLFile) throws(HCLError) -> [String] {
        var names: [String] = []
        for block in file.body.blocks(ofType: "output") {
            guard block.labels.count == 1, let name = block.labels.first else {
                throw file.error("an output block needs exactly one label, the output name; found \(block.labels.count)", at: block.position)
            }
            names.append(name)
        }
        return names
    }

    /// Upstream evaluates the description as a string and, when that fails (an interpolation of a
    /// variable), falls back to the source text without its quotes.
    static func descriptionText(_ expression: HCLExpression, in file: HCLFile) -> String? {
        let text: String
        switch try? HCLEvaluator.evaluate(expression) {
        case .string(let s)?: text = s
        case .bool(let b)?: text = b ? "true" : "false"
        case let value? where value.doubleValue != nil: text = HCLEvaluator.numberText(value)
        default:
            var raw = Substring(file.text(of: expression.range))
            if raw.hasPrefix("\"") { raw = raw.dropFirst() }
            if raw.hasSuffix("\"") { raw = raw.dropLast() }
            text = String(raw)
        }
        return text.isEmpty ? nil : text
    }
}
