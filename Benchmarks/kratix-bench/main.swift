// `make bench`: prints figures for the parts that exist. Figures are printed, never asserted.
// Usage: kratix-bench [SHARED_DIR] [model|apiserver|runtime|statestore|platform|memory ...]
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
let shared = URL(fileURLWithPath: arguments.first ?? "../shared")
let sections = Set(arguments.dropFirst())
func wanted(_ section: String) -> Bool { sections.isEmpty || sections.contains(section) }

if wanted("model") {
    emit("== object model")
    try modelBench(shared: shared)
}
if wanted("apiserver") {
    emit("== embedded API server")
    try await apiServerBench()
}
if wanted("runtime") {
    emit("== controller runtime")
    try await runtimeBench()
}
if wanted("statestore") {
    emit("== state stores")
    try await stateStoreBench()
}
if wanted("platform") {
    emit("== platform (kratix dev parts in one process)")
    try await platformBench()
}
// Only when named: `platform` runs it in a process of its own.
if sections.contains("memory") {
    try await memoryBench()
}

/// Left-aligned in a fixed-width column.
func label(_ text: String) -> String {
    text.count >= 38 ? text : text + String(repeating: " ", count: 38 - text.count)
}

/// Prints a figure and flushes, so figures reach a log file as they are measured.
func emit(_ line: String) {
    print(line)
    fflush(nil)
}

/// Progress of long runs, on stderr so the figures on stdout stay clean.
func note(_ line: String) {
    FileHandle.standardError.write(Data("[bench] \(line)\n".utf8))
}
