import ChildProcesses
import Foundation
import KubeModel

/// Where `--chart-url` points, and how its default values are read without a `helm` binary: a
/// local chart directory or `.tgz` directly (offline), a `.tgz` URL, a chart repository (with
/// `--chart-name`, through its `index.yaml`) or an OCI registry (`oci://`).
public struct HelmChartSource: Sendable, Equatable {
    public var url: String
    public var name: String?
    public var version: String?

    public init(url: String, name: String? = nil, version: String? = nil) {
        self.url = url
        self.name = (name ?? "").isEmpty ? nil : name
        self.version = (version ?? "").isEmpty ? nil : version
    }

    /// The chart's `values.yaml` as an object (empty when the chart has none).
    public func values() async throws(AuthoringError) -> JSONObject {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("kratix-chart-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let chartDirectory = try await fetch(into: scratch)
        return try Self.values(inChart: chartDirectory)
    }

    /// A directory holding the chart (`Chart.yaml` and maybe `values.yaml`).
    func fetch(into scratch: URL) async throws(AuthoringError) -> URL {
        var isDirectory: ObjCBool = false
        if url.hasPrefix("oci://") {
            return try await Self.extract(try await OCIChartPull(reference: url, version: version).pull(), into: scratch, source: url)
        }
        if let scheme = PulumiSchema.scheme(of: url), scheme == "http" || scheme == "https" {
            let archive: Data
            if let name {
                archive = try await Self.fromRepository(url, name: name, version: version)
            } else {
                archive = try await HTTPFetch.get(url, timeout: 60, what: "failed to fetch helm chart")
            }
            return try await Self.extract(archive, into: scratch, source: url)
        }
        let local = URL(fileURLWithPath: url)
        guard FileManager.default.fileExists(atPath: local.path, isDirectory: &isDirectory) else {
            throw AuthoringError("failed to fetch helm chart: \(url) is not a chart directory, a .tgz file, an http(s) URL or an oci:// reference")
        }
        if isDirectory.boolValue {
            guard FileManager.default.fileExists(atPath: local.appendingPathComponent("Chart.yaml").path) else {
                throw AuthoringError("failed to fetch helm chart: \(url) has no Chart.yaml")
            }
            return local
        }
        guard let data = FileManager.default.contents(atPath: local.path) else {
            throw AuthoringError("failed to fetch helm chart: cannot read \(url)")
        }
        return try await Self.extract(data, into: scratch, source: url)
    }

    /// Unpacks a chart archive with the system `tar` and finds the directory with `Chart.yaml`.
    static func extract(_ archive: Data, into scratch: URL, source: String) async throws(AuthoringError) -> URL {
        let manager = FileManager.default
        let file = scratch.appendingPathComponent("chart.tgz")
        let target = scratch.appendingPathComponent("chart")
        do {
            try manager.createDirectory(at: target, withIntermediateDirectories: true)
            try archive.write(to: file)
        } catch {
            throw AuthoringError("failed to fetch helm chart: cannot write \(file.path): \(error.localizedDescription)")
        }
        guard let tar = ChildProcess.which("tar") else {
            throw AuthoringError("failed to fetch helm chart: reading \(source) needs the tar program, which is not on PATH")
        }
        let output: ChildProcess.Output
        do {
            output = try await ChildProcess.run(tar, ["-xzf", file.path, "-C", target.path, "--no-same-owner"],
                                                environment: ProcessInfo.processInfo.environment, timeout: .seconds(60))
        } catch {
            throw AuthoringError("failed to fetch helm chart: cannot run tar: \(error)")
        }
        guard output.exitCode == 0 else {
            throw AuthoringError("failed to fetch helm chart: \(source) is not a gzipped tar archive: \(output.stderrText.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        if manager.fileExists(atPath: target.appendingPathComponent("Chart.yaml").path) { return target }
        let entries = ((try? manager.contentsOfDirectory(atPath: target.path)) ?? []).sorted()
        for entry in entries where manager.fileExists(atPath: target.appendingPathComponent(entry).appendingPathComponent("Chart.yaml").path) {
            return target.appendingPathComponent(entry)
        }
        throw AuthoringError("failed to fetch helm chart: \(source) holds no Chart.yaml")
    }

    static func values(inChart directory: URL) throws(AuthoringError) -> JSONObject {
        let file = directory.appendingPathComponent("values.yaml")
        guard let data = FileManager.default.contents(atPath: file.path) else { return [:] }
        let value: JSONValue
        do {
            let documents = try YAMLReader.documents(in: String(decoding: data, as: UTF8.self), source: "values.yaml")
            value = documents.first?.value ?? .null
        } catch {
            throw AuthoringError("failed to fetch helm chart: values.yaml: \(error)")
        }
        switch value {
        case .null: return [:]
        case .object(let o): return o
        default: throw AuthoringError("failed to fetch helm chart: values.yaml must be a mapping, found \(value.typeName)")
        }
    }

    /// A chart repository: its `index.yaml` names the archive of each version.
    static func fromRepository(_ repository: String, name: String, version: String?) async throws(AuthoringError) -> Data {
        let base = repository.hasSuffix("/") ? String(repository.dropLast()) : repository
        let indexData = try await HTTPFetch.get(base + "/index.yaml", timeout: 60, what: "failed to fetch helm chart")
        let index: JSONValue
        do {
            index = try YAMLReader.singleDocument(in: String(decoding: indexData, as: UTF8.self), source: base + "/index.yaml")
        } catch {
            throw AuthoringError("failed to fetch helm chart: \(base)/index.yaml: \(error)")
        }
        guard let entries = index[path: ["entries", name]]?.arrayValue, !entries.isEmpty else {
            throw AuthoringError("failed to fetch helm chart: chart \"\(name)\" not found in \(base) repository")
        }
        let entry: JSONValue
        if let version {
            guard let match = entries.first(where: { $0["version"]?.stringValue == version }) else {
                throw AuthoringError("failed to fetch helm chart: chart \"\(name)\" version \"\(version)\" not found in \(base) repository")
            }
            entry = match
        } else {
            entry = entries.max { SemanticVersion($0["version"]?.stringValue ?? "") < SemanticVersion($1["version"]?.stringValue ?? "") } ?? entries[0]
        }
        guard let archive = entry["urls"]?.arrayValue?.first?.stringValue else {
            throw AuthoringError("failed to fetch helm chart: chart \"\(name)\" has no download URL in \(base)/index.yaml")
        }
        let absolute = archive.contains("://") ? archive : base + "/" + archive
        return try await HTTPFetch.get(absolute, timeout: 60, what: "failed to fetch helm chart")
    }
}

/// Enough of semantic versioning to pick the latest chart: numeric parts compared as numbers,
/// a pre-release below its release.
struct SemanticVersion: Comparable {
    var numbers: [Int]
    var prerelease: String?

    init(_ text: String) {
        var t = Substring(text)
        if t.hasPrefix("v") { t = t.dropFirst() }
        let parts = t.split(separator: "+", maxSplits: 1).first.map(String.init) ?? ""
        let split = parts.split(separator: "-", maxSplits: 1)
        numbers = (split.first ?? "").split(separator: ".").map { Int($0) ?? -1 }
        prerelease = split.count > 1 ? String(split[1]) : nil
    }

    var isValid: Bool { !numbers.isEmpty && !numbers.contains(-1) }

    static func < (a: SemanticVersion, b: SemanticVersion) -> Bool {
        if a.isValid != b.isValid { return !a.isValid }
        let n = max(a.numbers.count, b.numbers.count)
        for i in 0..<n {
            let x = i < a.numbers.count ? a.numbers[i] : 0
            let y = i < b.numbers.count ? b.numbers[i] : 0
            if x != y { return x < y }
        }
        switch (a.prerelease, b.prerelease) {
        case (nil, nil): return false
        case (nil, _): return false
        case (_, nil): return true
        case (let p?, let q?): return p < q
        }
    }
}
