import Foundation
import KratixAPI
import KubeModel

/// Throughput of the object model: YAML/JSON reading and writing, typed Kratix decoding.
func modelBench(shared: URL) throws {
let fixtures = shared.appendingPathComponent("fixtures")
var texts: [String] = []
if let enumerator = FileManager.default.enumerator(atPath: fixtures.path) {
    while let relative = enumerator.nextObject() as? String {
        if relative.hasSuffix(".yaml"), let text = try? String(contentsOf: fixtures.appendingPathComponent(relative), encoding: .utf8) {
            texts.append(text)
        }
    }
}
let totalBytes = texts.reduce(0) { $0 + $1.utf8.count }
emit("fixtures: \(texts.count) files, \(totalBytes) bytes")


var documents: [JSONValue] = []
for text in texts { documents += (try YAMLReader.documents(in: text)).map(\.value) }
let jsonTexts = documents.map { $0.serializedBytes() }
let jsonBytes = jsonTexts.reduce(0) { $0 + $1.count }

try measure("YAML read (fixtures)", bytes: totalBytes, iterations: 20) {
    for text in texts { _ = try YAMLReader.documents(in: text) }
}
measure("YAML write", bytes: totalBytes, iterations: 20) {
    for document in documents { _ = YAMLWriter().write(document) }
}
try measure("JSON parse", bytes: jsonBytes, iterations: 200) {
    for bytes in jsonTexts { _ = try JSONParser.parse(bytes) }
}
measure("JSON serialize", bytes: jsonBytes, iterations: 200) {
    for document in documents { _ = document.serializedBytes() }
}
let kratix = documents.filter(KratixObject.isKratixDocument)
try measure("typed Kratix decode+encode", bytes: kratix.reduce(0) { $0 + $1.serializedBytes().count }, iterations: 100) {
    for document in kratix { _ = try KratixObject.decode(document).toJSON() }
}
}

func measure(_ name: String, bytes: Int, iterations: Int, _ body: () throws -> Void) rethrows {
    let start = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<iterations { try body() }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let mbps = Double(bytes * iterations) / seconds / 1_000_000
    emit(label(name) + String(format: " %8.1f MB/s  (%d iterations, %.3f s)", mbps, iterations, seconds))
}
