// `make bench`: prints figures for the parts that exist. Figures are printed, never asserted.
import Foundation

let shared = URL(fileURLWithPath: CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "../shared")
print("== object model")
try modelBench(shared: shared)
print("== embedded API server")
try await apiServerBench()

/// Left-aligned in a fixed-width column.
func label(_ text: String) -> String {
    text.count >= 38 ? text : text + String(repeating: " ", count: 38 - text.count)
}
