import KubeModel
import Testing

@testable import KratixTerraform

/// Mutated variables.tf files never crash the reader: every input parses or fails with an
/// `HCLError` placed inside the file.
@Suite struct HCLFuzzTests {
    /// A small deterministic generator, so a failure reproduces from its seed.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let interesting: [[UInt8]] = [
        "{", "}", "[", "]", "(", ")", "\"", "${", "%{", "<<EOT\n", "<<-EOT\n", "EOT", "\n", "#", "//", "/*", "*/", "=", ",",
        ":", "?", "\\", "\\u", "~", "...", "for ", " in ", "=>", "object({", "optional(", "é", "\u{0}", "\r\n", "-", ".", "*",
    ].map { Array($0.utf8) }

    static func mutate(_ input: [UInt8], using rng: inout SplitMix64) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...8, using: &rng) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<5, using: &rng) {
            case 0 where !bytes.isEmpty:
                bytes.remove(at: position)
            case 1:
                bytes.insert(contentsOf: interesting.randomElement(using: &rng)!, at: position)
            case 2 where !bytes.isEmpty:
                bytes[position] = UInt8.random(in: 0...255, using: &rng)
            case 3 where bytes.count > 2:
                let end = min(bytes.count, position + Int.random(in: 1...40, using: &rng))
                bytes.removeSubrange(position..<end)
            default:
                let start = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &rng)
                let end = min(bytes.count, start + Int.random(in: 0...60, using: &rng))
                bytes.insert(contentsOf: Array(bytes[start..<end]), at: position)
            }
        }
        return bytes
    }

    static let seedFile = """
        # comment
        variable "a" {
          description = <<-EOT
            Multi ${"line"}
            text
          EOT
          type = map(object({
            name = string
            size = optional(number, 1) // inline
            tags = optional(set(string), [])
          }))
          default = { x = { name = "n", size = 2e1, tags = ["a"] } }
          validation {
            condition     = length(var.a) >= 0 ? true : false
            error_message = "bad: %{ if true }yes%{ endif }"
          }
        }
        /* block */ variable "b" {
          type    = tuple([string, number, bool])
          default = ["x", -1.5, !true]
        }
        variable "c" { default = [{ a = 1 }, { b = "2" }] }
        """

    @Test(arguments: 0..<8)
    func mutatedInputsNeverCrash(chunk: Int) throws {
        var rng = SplitMix64(state: UInt64(chunk) &* 7919)
        let base = Array(Self.seedFile.utf8)
        var parsed = 0
        for _ in 0..<500 {
            let input = Self.mutate(base, using: &rng)
            let text = String(decoding: input, as: UTF8.self)
            let lineCount = text.split(separator: "\n", omittingEmptySubsequences: false).count
            do {
                var notes: [String] = []
                let variables = try TerraformModuleReader.variables(source: text, file: "fuzz.tf", notes: &notes)
                _ = VariableSchemaConverter.specSchema(for: variables)
                _ = TypedSchemaConverter.specSchema(for: variables)
                parsed += 1
            } catch {
                #expect(error.file == "fuzz.tf")
                #expect(error.line >= 1 && error.line <= lineCount + 1, "\(error)")
                #expect(error.column >= 1, "\(error)")
            }
        }
        // The mutations are mild enough that some inputs still parse, so the converters run too.
        #expect(parsed > 0)
    }

    @Test func randomBytesNeverCrash() {
        var rng = SplitMix64(state: 42)
        for _ in 0..<2000 {
            let count = Int.random(in: 0..<200, using: &rng)
            let bytes = (0..<count).map { _ in
                Bool.random(using: &rng) ? Self.interesting.randomElement(using: &rng)!.first! : UInt8.random(in: 0...127, using: &rng)
            }
            _ = try? HCLParser.parse(String(decoding: bytes, as: UTF8.self), file: "random.tf")
        }
    }
}
