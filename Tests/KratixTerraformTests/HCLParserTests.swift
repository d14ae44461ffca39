import KubeModel
import Testing

@testable import KratixTerraform

@Suite struct HCLParserTests {
    func value(_ source: String) throws -> JSONValue {
        try HCLEvaluator.evaluate(HCLParser.parseExpression(source))
    }

    @Test func literalForms() throws {
        #expect(try value("42") == 42)
        #expect(try value("-1.5e3") == -1500)
        #expect(try value("0.25") == 0.25)
        #expect(try value("true") == true)
        #expect(try value("null") == .null)
        #expect(try value(#""a\"b\\c\n\t\u00e9\U0001F600""#) == "a\"b\\c\n\t\u{e9}\u{1F600}")
        #expect(try value(#""$${not} %%{this} ${"in"}${1 + 2}""#) == "${not} %{this} in3")
        #expect(try value("[1, \"a\", [true],]") == [1, "a", [true]])
        #expect(try value("{ a = 1, \"b\" : 2\n c = { d = [] } }") == ["a": 1, "b": 2, "c": ["d": []]])
        #expect(try value("(1 + 2) * 3 - 4 / 2") == 7)
        #expect(try value("1 < 2 && !false ? \"yes\" : \"no\"") == "yes")
        #expect(try value("[10, 20][1]") == 20)
    }

    @Test func heredocs() throws {
        let body = try HCLParser.parse(
            """
            a = <<EOT
            line one
              line two
            EOT
            b = <<-EOT
                indented ${"x"}
                  more
              EOT
            c = "after"
            """, file: "h.tf")
        #expect(try HCLEvaluator.evaluate(body.attribute("a")!.expression) == "line one\n  line two\n")
        #expect(try HCLEvaluator.evaluate(body.attribute("b")!.expression) == "indented x\n  more\n")
        #expect(try HCLEvaluator.evaluate(body.attribute("c")!.expression) == "after")
    }

    @Test func commentsBlocksAndNonConstantExpressions() throws {
        let body = try HCLParser.parse(
            """
            # hash comment
            // slash comment
            /* block
               comment */ variable "x" { # trailing
              type = list(object({ a = string, b = optional(number, 5) }))
              default = [for v in var.list : upper(v) if v != ""]
              validation {
                condition     = length(var.x) > 0 && alltrue([for o in var.x : o.a != null])
                error_message = "need ${var.x[0].a}"
              }
            }
            locals { y = module.m.*.id }
            output "o" { value = data.x.y[*].z }
            """, file: "c.tf")
        #expect(body.blocks.map(\.type) == ["variable", "locals", "output"])
        let variable = body.blocks[0]
        #expect(variable.labels == ["x"])
        #expect(variable.body.blocks.first?.type == "validation")
        #expect(throws: HCLEvaluationError.self) { try HCLEvaluator.evaluate(variable.body.attribute("default")!.expression) }
    }

    @Test func typeExpressionsNormaliseLikeUpstream() throws {
        let file = try HCLFile(
            source: """
                variable "a" {
                  type = list( map( string ) )
                }
                variable "b" {
                  type = object({ key1 = string, key2 = number })
                }
                variable "c" {
                  type = map(object({
                    name = string
                    tags = optional(map(string), {})
                  }))
                }
                """, name: "t.tf")
        var notes: [String] = []
        let variables = try TerraformModuleReader.variables(in: file, notes: &notes)
        #expect(variables[0].typeText == "list(map(string))")
        #expect(variables[0].type == .list(.map(.string)))
        #expect(variables[1].typeText == "object({ key1 = string, key2 = number })")
        #expect(variables[2].type == .map(.object([
            TerraformObjectAttribute(name: "name", type: .string),
            TerraformObjectAttribute(name: "tags", type: .map(.string), optional: true, defaultValue: [:]),
        ])))
    }

    func expectError(_ source: String, line: Int, column: Int, containing text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            var notes: [String] = []
            _ = try TerraformModuleReader.variables(source: source, file: "variables.tf", notes: &notes)
            Issue.record("expected an error", sourceLocation: sourceLocation)
        } catch {
            #expect(error.file == "variables.tf", sourceLocation: sourceLocation)
            #expect(error.line == line && error.column == column, "\(error)", sourceLocation: sourceLocation)
            #expect(error.message.contains(text), "\(error)", sourceLocation: sourceLocation)
            #expect(error.description.hasPrefix("variables.tf:\(line):\(column): "), sourceLocation: sourceLocation)
        }
    }

    @Test func syntaxErrorsAreLocated() {
        expectError("variable \"a\" {\n  type = string\n", line: 1, column: 14, containing: "unclosed block")
        expectError("variable \"a\" {\n  type = list(string\n}\n", line: 2, column: 14, containing: "unclosed call")
        expectError("variable \"a\" {\n  type = lst(string)\n}\n", line: 2, column: 10, containing: "unknown type constructor \"lst\"")
        expectError("variable \"a\" {\n  type = strng\n}\n", line: 2, column: 10, containing: "unknown type keyword")
        expectError("variable \"a\" {\n  type = list(string, number)\n}\n", line: 2, column: 10, containing: "exactly one")
        expectError("variable \"a\" {\n  type = optional(string)\n}\n", line: 2, column: 10, containing: "only allowed")
        expectError("variable \"a\" {\n  default = \"abc\n}\n", line: 2, column: 13, containing: "unterminated string")
        expectError("variable \"a\" {\n  default = <<EOT\nabc\n}\n", line: 2, column: 13, containing: "unterminated heredoc")
        expectError("variable \"a\" {\n  default = [1, 2\n}\n", line: 2, column: 13, containing: "unclosed list")
        expectError("variable \"a\" {\n  default = { a = 1 b = 2 }\n}\n", line: 2, column: 21, containing: "expected ','")
        expectError("variable \"a\" {\n  default = 1 2\n}\n", line: 2, column: 15, containing: "expected a newline")
        expectError("variable \"a\" {\n  default = \"\\q\"\n}\n", line: 2, column: 14, containing: "invalid escape")
        expectError("/* never closed\nvariable \"a\" {}\n", line: 1, column: 1, containing: "unterminated comment")
        expectError("variable \"a\" {\n  type = string\n  type = number\n}\n", line: 3, column: 3, containing: "duplicate argument")
        expectError("variable \"a\" {}\nvariable \"a\" {}\n", line: 2, column: 1, containing: "duplicate variable")
        expectError("variable {}\n", line: 1, column: 1, containing: "exactly one label")
        expectError("variable \"é\" {\n  type = \"x\"\n}\n", line: 2, column: 10, containing: "not a quoted string")
        expectError("}\n", line: 1, column: 1, containing: "unexpected '}'")
    }

    @Test func nonConstantDefaultsAreNotedAndDropped() throws {
        var notes: [String] = []
        let variables = try TerraformModuleReader.variables(
            source: "variable \"a\" {\n  type = string\n  default = var.b\n  description = \"uses ${var.b}\"\n}\n",
            file: "v.tf", notes: &notes)
        #expect(variables[0].defaultValue == nil)
        #expect(variables[0].description == "uses ${var.b}")
        #expect(notes.count == 1 && notes[0].hasPrefix("v.tf:3:13: default value for variable a is not a constant"))
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let deep = "variable \"a\" {\n  default = " + String(repeating: "[", count: 5000) + "\n}\n"
        #expect(throws: HCLError.self) { try HCLParser.parse(deep, file: "d.tf") }
        let longChain = "a = " + Array(repeating: "1", count: 50_000).joined(separator: " + ") + "\n"
        #expect(throws: HCLError.self) { try HCLParser.parse(longChain, file: "d.tf") }
        let longTraversal = "a = x" + String(repeating: ".y[0]", count: 50_000) + "\n"
        #expect(throws: HCLError.self) { try HCLParser.parse(longTraversal, file: "d.tf") }
        let deepBlocks = String(repeating: "b {\n", count: 5000)
        #expect(throws: HCLError.self) { try HCLParser.parse(deepBlocks, file: "d.tf") }
    }
}
